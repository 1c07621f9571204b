import type { BoardRow, SwarmBoard } from "./board.ts";
import type { SwarmEvent } from "./types.ts";

export function planLine(event: Extract<SwarmEvent, { type: "started" }>): string {
  const how = event.source === "fallback" ? " (no usable plan: the whole task as one subtask)" : "";
  return `plan: ${event.subtasks.length} subtask(s) in ${event.stages.length} stage(s)${how}`;
}

/**
 * The log lines of one event (stderr when it is not a terminal, an A2A task's status updates): `before`
 * is the subtask's row before the board took the event, so repeats are left out.
 */
export function swarmEventLines(event: SwarmEvent, before: BoardRow | undefined, board: SwarmBoard): string[] {
  switch (event.type) {
    case "started":
      return [
        planLine(event),
        ...event.subtasks.map((s) => {
          const deps = s.dependencies.length ? ` after ${s.dependencies.join(", ")}` : "";
          return `  ${s.id} ${s.name} [${s.specialty}]${s.needs_worktree ? " (changes files)" : ""}${deps}`;
        }),
      ];
    case "stage_started":
      return [`stage ${event.stage + 1}: ${event.subtasks.join(", ")}`];
    case "subtask_update": {
      const changed =
        before?.state !== event.state || before.step !== event.step || (event.tool && event.tool !== before.tool);
      if (!changed) return [];
      return [
        `${event.subtask_id} ${event.state}${event.step ? ` step ${event.step}` : ""}${event.tool ? ` ${event.tool}` : ""}`,
      ];
    }
    case "subtask_done": {
      const s = event.subtask;
      const note = board.row(s.subtask_id)?.note;
      return [
        `${s.subtask_id} ${s.success ? "done" : "failed"} in ${seconds(s.execution_time_ms)} (${s.steps} steps, ${s.tool_calls} tool calls)${note ? `: ${note}` : ""}`,
      ];
    }
    case "merge_result":
      return [
        event.merged
          ? `${event.subtask_id} merged ${event.branch} (${event.files.length} file(s))`
          : `${event.subtask_id} merge conflict in ${event.files.join(", ")}; the work stays on branch ${event.branch}`,
      ];
    case "completed":
      return [];
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
