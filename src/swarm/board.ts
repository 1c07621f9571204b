import type { SubtaskState, SwarmEvent } from "./types.ts";

/** One sub-agent as a live view shows it. */
export interface BoardRow {
  id: string;
  name: string;
  specialty: string;
  state: SubtaskState | "queued";
  step: number;
  /** The last tool it ran. */
  tool: string;
  tokens: number;
  /** When it started running (for a ticking elapsed time); undefined once it is done. */
  startedAt?: number;
  elapsedMs: number;
  /** Why it failed, or how its merge went. */
  note: string;
  sessionId?: string;
}

export interface BoardSnapshot {
  swarmId: string;
  task: string;
  stage: number;
  stages: number;
  rows: readonly BoardRow[];
  done: boolean;
  success?: boolean;
}

/**
 * The state of a swarm's sub-agents folded from its events: what the CLI's progress lines and the TUI's
 * swarm view draw. Each change makes new row objects, so a snapshot can be handed to React as is.
 */
export class SwarmBoard {
  private rows = new Map<string, BoardRow>();
  private current: BoardSnapshot = { swarmId: "", task: "", stage: 0, stages: 0, rows: [], done: false };

  snapshot(): BoardSnapshot {
    return this.current;
  }

  row(id: string): BoardRow | undefined {
    return this.rows.get(id);
  }

  handle(event: SwarmEvent): void {
    const meta: Partial<BoardSnapshot> = {};
    switch (event.type) {
      case "started":
        this.rows = new Map(
          event.subtasks.map((s) => [
            s.id,
            {
              id: s.id,
              name: s.name,
              specialty: s.specialty,
              state: "queued",
              step: 0,
              tool: "",
              tokens: 0,
              elapsedMs: 0,
              note: "",
            },
          ]),
        );
        Object.assign(meta, { swarmId: event.swarm_id, task: event.task, stages: event.stages.length, done: false });
        break;
      case "stage_started":
        meta.stage = event.stage;
        break;
      case "subtask_update":
        this.update(event.subtask_id, (row) => ({
          state: event.state,
          step: event.step,
          tokens: event.tokens,
          tool: event.tool ?? row.tool,
          elapsedMs: event.elapsed_ms,
          startedAt: event.state === "running" ? (row.startedAt ?? Date.now() - event.elapsed_ms) : undefined,
          sessionId: event.session_id ?? row.sessionId,
        }));
        break;
      case "subtask_done":
        // The update before it told the state (awaiting_merge for work in a worktree); a skipped one had none.
        this.update(event.subtask.subtask_id, (row) => ({
          state: event.subtask.success ? row.state : "failed",
          elapsedMs: event.subtask.execution_time_ms,
          startedAt: undefined,
          note: event.subtask.success ? "" : (event.subtask.result.trim().split("\n").at(-1) ?? ""),
        }));
        break;
      case "merge_result":
        this.update(event.subtask_id, () => ({
          state: event.merged ? "completed" : "conflict",
          note: event.merged
            ? `merged ${event.files.length} file(s)`
            : `conflict in ${event.files.join(", ")}; kept on ${event.branch}`,
        }));
        break;
      case "completed":
        Object.assign(meta, { done: true, success: event.success });
        break;
    }
    this.current = { ...this.current, ...meta, rows: [...this.rows.values()] };
  }

  private update(id: string, change: (row: BoardRow) => Partial<BoardRow>): void {
    const row = this.rows.get(id);
    if (row) this.rows.set(id, { ...row, ...change(row) });
  }
}

/** The time a row has been running (ticking) or ran. */
export function elapsedOf(row: BoardRow, now = Date.now()): number {
  return row.startedAt !== undefined ? now - row.startedAt : row.elapsedMs;
}
