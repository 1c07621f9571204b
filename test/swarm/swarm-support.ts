// Scripting helpers for swarm tests: a git workspace, a plan answer, and turns reserved for one sub-agent.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RecordedRequest, Turn } from "../support/fake-model.ts";

export const sh = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" });

/** Makes `dir` a git repository with one commit (and a configured identity, as a user's would be). */
export function gitInit(dir: string, files: Record<string, string> = { "README.md": "project\n" }): void {
  sh(dir, "init", "-q", "-b", "main");
  sh(dir, "config", "user.name", "Test");
  sh(dir, "config", "user.email", "test@example.com");
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  sh(dir, "add", ".");
  sh(dir, "commit", "-qm", "initial");
}

export interface PlannedSubtask {
  name: string;
  instruction?: string;
  dependencies?: string[];
  needs_worktree?: boolean;
}

/** The planner's answer (the decomposition request is the one whose system prompt asks for subtasks). */
export function planTurn(subtasks: PlannedSubtask[] | string): Turn {
  const text =
    typeof subtasks === "string"
      ? subtasks
      : JSON.stringify({
          subtasks: subtasks.map((s) => ({
            specialty: "coding",
            priority: 1,
            instruction: `do ${s.name}`,
            dependencies: [],
            needs_worktree: true,
            ...s,
          })),
        });
  return { match: { systemContains: "You split a software task" }, items: [{ text }] };
}

/** Turns answered only to sub-agent `id` (st-1, st-2, …): its system prompt names it. */
export function subagentTurns(id: string, ...turns: Array<Exclude<Turn, string> | string>): Turn[] {
  return turns.map((turn) => {
    const base = typeof turn === "string" ? { items: [{ text: turn }] } : Array.isArray(turn) ? { items: turn } : turn;
    return { ...base, match: { systemContains: `sub-agent ${id} of a swarm` } };
  });
}

export const synthesisTurn = (text: string): Turn => ({
  match: { lastUserContains: "# Subtask reports" },
  items: [{ text }],
});

/** The requests one sub-agent made. */
export const requestsOf = (requests: RecordedRequest[], id: string) =>
  requests.filter((r) => r.prompt.system.includes(`sub-agent ${id} of a swarm`));
