import { errorMessage } from "../../contracts/errors.ts";
import { SwarmBoard } from "../../swarm/board.ts";
import { runSwarm } from "../../swarm/engine.ts";
import type { SwarmHost } from "../../swarm/run-subtask.ts";
import { SwarmStore } from "../../swarm/swarm-store.ts";
import type { SwarmResult } from "../../swarm/types.ts";
import { entryId } from "../chat/entries.ts";
import type { SessionHost } from "./session-host.ts";

/** /swarm uses the CLI's defaults (see `codetether swarm --help`). */
const TUI_SETTINGS = { strategy: "auto", maxSubagents: 100, concurrency: 8, maxSteps: 100, timeoutSecs: 300 } as const;

interface TuiSwarmRun {
  /** The TUI's agent as it is now: its session, model, agent profile and permission gate (asks go to the user). */
  host: SwarmHost;
  dataDir: string;
  task: string;
  signal: AbortSignal;
  board: SwarmBoard;
  onChange(): void;
}

/** Runs `/swarm TASK`: its events feed the board the swarm view draws; resolves with the result to print. */
async function runTuiSwarm(run: TuiSwarmRun): Promise<{ swarmId: string; result: SwarmResult }> {
  let swarmId = "";
  const result = await runSwarm({
    host: run.host,
    store: SwarmStore.open(run.dataDir),
    task: run.task,
    settings: { ...TUI_SETTINGS, model: run.host.model.ref },
    signal: run.signal,
    onCreated: (record) => (swarmId = record.id),
    onEvent: (event) => {
      run.board.handle(event);
      run.onChange();
    },
  });
  return { swarmId, result };
}

/** The one-line outcome printed under the swarm's answer. */
function swarmSummary(swarmId: string, result: SwarmResult): string {
  const failed = result.subtask_results.filter((r) => !r.success || r.conflicts);
  const problems = failed.map((r) =>
    r.conflicts
      ? `${r.subtask_id} not merged (conflict in ${r.conflicts.join(", ")}, kept on ${r.branch})`
      : `${r.subtask_id} failed`,
  );
  const s = result.stats;
  return `swarm ${swarmId}: ${s.subagents_completed}/${result.subtask_results.length} subtasks in ${s.stages} stage(s), ${(s.execution_time_ms / 1000).toFixed(1)}s, speedup ${s.speedup_factor}×${problems.length ? `; ${problems.join("; ")}` : ""}${result.success ? "" : ` (resume: codetether swarm --resume ${swarmId})`}`;
}

/**
 * /swarm TASK: sub-agents run through the TUI's agent (their permission asks come to the TUI); `onBoard` gets
 * the board the swarm view follows.
 */
export async function swarmCommand(host: SessionHost, task: string, onBoard: (board: SwarmBoard) => void) {
  if (host.refuseWhileBusy()) return;
  const board = new SwarmBoard();
  onBoard(board);
  host.print([{ id: entryId(), kind: "user", text: `/swarm ${task}` }]);
  await host.exclusively("swarm: planning…", async (signal) => {
    try {
      const { session, model, setup } = host.current();
      const { swarmId, result } = await runTuiSwarm({
        host: { ...host.prepared, ...setup, session, model, workspace: host.workspace },
        dataDir: host.dataDir,
        task,
        signal,
        board,
        onChange: () => host.setStatus(undefined),
      });
      if (result.result) host.print([{ id: entryId(), kind: "assistant", text: result.result, open: false }]);
      host.info(swarmSummary(swarmId, result), result.success ? "info" : "warning");
    } catch (error) {
      host.info(`swarm failed: ${errorMessage(error)}`, "error");
    }
  });
}
