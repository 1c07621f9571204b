import { dataDir } from "../../config/paths.ts";
import { SwarmStore } from "../../swarm/swarm-store.ts";
import { age, painter, printJson } from "../output.ts";

/** `codetether swarm list`: the stored swarms, newest first, with how many subtasks completed. */
export function listSwarms(options: { limit: number; json?: boolean }): void {
  const store = SwarmStore.open(dataDir());
  const swarms = store.list(options.limit).map((s) => {
    const states = [...store.subtasks(s.id).values()];
    return {
      id: s.id,
      // Stored as planning or running but held by no process: it was killed (resume it).
      status: (s.status === "running" || s.status === "planning") && !store.isHeld(s.id) ? "stopped" : s.status,
      task: s.task,
      workspace: s.workspace,
      subtasks: states.length,
      completed: states.filter((t) => t.state === "completed").length,
      created_at: new Date(s.createdAt).toISOString(),
      updated_at: new Date(s.updatedAt).toISOString(),
    };
  });
  if (options.json) return printJson(swarms);
  if (swarms.length === 0) {
    process.stdout.write('no swarms yet (start one: codetether swarm "TASK")\n');
    return;
  }
  const paint = painter(process.stdout);
  for (const s of swarms) {
    const task = s.task.split("\n")[0]!;
    process.stdout.write(
      `${paint("cyan", s.id)}  ${s.status.padEnd(9)} ${`${s.completed}/${s.subtasks}`.padStart(7)}  ${age(Date.parse(s.updated_at)).padEnd(8)} ${task.length > 60 ? `${task.slice(0, 59)}…` : task}  ${paint("dim", s.workspace)}\n`,
    );
  }
}
