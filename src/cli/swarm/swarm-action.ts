import { existsSync } from "node:fs";
import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { prepareAgent } from "../../app/agent-factory.ts";
import { AgentRegistry } from "../../bus/agent-registry.ts";
import { createBusHandle } from "../../bus/bus-handle.ts";
import { busOptionsFrom, createBus } from "../../bus/create-bus.ts";
import { UserError } from "../../contracts/errors.ts";
import { SessionRecorder } from "../../durable-logs/recorder.ts";
import { peersFromEnv } from "../../peers/directory.ts";
import { autoApproveAsk, type AutoApprove } from "../../permission/auto-approve.ts";
import { runSwarm } from "../../swarm/engine.ts";
import { SwarmStore, type SwarmRecord, type SwarmSettings } from "../../swarm/swarm-store.ts";
import type { Strategy, SwarmResult } from "../../swarm/types.ts";
import { printJson } from "../output.ts";
import { readPrompt } from "../run/read-prompt.ts";
import { watchRunStops } from "../run/run-stops.ts";
import { SwarmProgressView } from "./progress-view.ts";
import { printWarning } from "../output.ts";

export interface SwarmOptions {
  config?: string;
  model?: string;
  strategy?: Strategy;
  maxSubagents?: number;
  concurrency?: number;
  maxSteps?: number;
  timeout?: number;
  autoApprove?: AutoApprove;
  resume?: string;
  json?: boolean;
}

/** `codetether swarm`: exit 0 when every subtask succeeded and merged, 1 otherwise, 130 when interrupted. */
export async function swarmAction(words: string[], options: SwarmOptions): Promise<void> {
  const { config } = loadConfig(options.config);
  const dir = dataDir();
  const store = SwarmStore.open(dir);
  const resume = options.resume ? findSwarm(store, options.resume) : undefined;
  if (resume && words.length) throw new UserError("give either a task or --resume ID, not both", 2);
  const task = resume?.task ?? (await readPrompt(words).catch(noTask));
  const workspace = resume?.workspace ?? process.cwd();

  const bus = await createBus(busOptionsFrom(config));
  const registry = new AgentRegistry(bus, { discover: false });
  const recorder = await SessionRecorder.openOrWarn(dir, config, printWarning);
  const prepared = await prepareAgent({
    config,
    dataDir: dir,
    workspace,
    modelRef: options.model ?? resume?.settings.model,
    services: {
      bus: createBusHandle(bus, `swarm-cli-${process.pid}`),
      recorder: recorder ?? undefined,
      peers: peersFromEnv(),
    },
    // Nobody is there to answer a sub-agent's permission prompt: --auto-approve decides.
    ask: autoApproveAsk(options.autoApprove ?? "none"),
    onWarning: printWarning,
  });
  const settings: SwarmSettings = resume?.settings ?? {
    strategy: options.strategy ?? "auto",
    maxSubagents: options.maxSubagents ?? 100,
    concurrency: options.concurrency ?? 8,
    maxSteps: options.maxSteps ?? 100,
    timeoutSecs: options.timeout ?? 300,
    model: prepared.model.ref,
  };
  let swarmId = resume?.id ?? "";
  const hint = () =>
    swarmId && process.stderr.write(`codetether: stopped; resume with: codetether swarm --resume ${swarmId}\n`);
  const stops = watchRunStops(() => {
    hint();
    process.exit(130);
  });
  const view = new SwarmProgressView(process.stderr);
  let result: SwarmResult | undefined;
  try {
    result = await runSwarm({
      host: { ...prepared, workspace },
      store,
      task,
      settings,
      resume,
      signal: stops.controller.signal,
      bus,
      registry,
      onCreated: (record) => {
        swarmId = record.id;
        // The sub-agents' sessions hang under this one: named after the swarm, not listed as "(untitled)".
        prepared.store.setTitle(prepared.session.id, `swarm ${record.id}: ${task.split("\n")[0]!.slice(0, 80)}`);
        process.stderr.write(
          `codetether: swarm ${record.id}${resume ? " resumed" : ""} (${settings.strategy}, ${prepared.model.ref})\n`,
        );
      },
      onEvent: (event) => view.handle(event),
    }).catch((error: unknown) => {
      // Interrupted while planning: the model call's abort is no failure of the swarm.
      if (!stops.controller.signal.aborted) throw error;
      return undefined;
    });
  } finally {
    view.close();
    stops.dispose();
    await prepared.close();
    registry.close();
    await bus.close();
  }
  if (stops.controller.signal.aborted || !result) {
    if (swarmId) store.setStatus(swarmId, "stopped");
    hint();
    process.exitCode = 130;
    return;
  }
  if (options.json) printJson(result);
  else report(swarmId, result);
  process.exitCode = result.success ? 0 : 1;
}

function noTask(): never {
  throw new UserError('no task given: codetether swarm "TASK" (or pipe it on stdin with -, or --resume ID)', 2);
}

/** A swarm to resume: one that did not complete, in a workspace that is still there. */
function findSwarm(store: SwarmStore, id: string): SwarmRecord {
  const record = store.get(id);
  if (!record) throw new UserError(`swarm not found: ${id} (see: codetether swarm list)`);
  if (record.status === "completed") throw new UserError(`swarm ${id} completed: there is nothing to resume`);
  if (!existsSync(record.workspace))
    throw new UserError(`swarm ${id} worked in ${record.workspace}, which no longer exists: it cannot be resumed`);
  return record;
}

/** The answer on stdout; what failed or did not merge, and the figures, on stderr. */
function report(swarmId: string, result: SwarmResult): void {
  if (result.result) process.stdout.write(`${result.result.trimEnd()}\n`);
  for (const r of result.subtask_results) {
    if (r.conflicts)
      process.stderr.write(
        `codetether: ${r.subtask_id} (${r.name}) did not merge: conflict in ${r.conflicts.join(", ")}; its work is on branch ${r.branch}\n`,
      );
    else if (!r.success)
      process.stderr.write(`codetether: ${r.subtask_id} (${r.name}) failed: ${lastLine(r.result)}\n`);
  }
  const s = result.stats;
  process.stderr.write(
    `codetether: swarm ${swarmId} ${result.success ? "succeeded" : "did not fully succeed"}: ${s.subagents_completed}/${result.subtask_results.length} subtasks, ${s.stages} stage(s), ${s.total_tool_calls} tool calls, ${(s.execution_time_ms / 1000).toFixed(1)}s (speedup ${s.speedup_factor}×)${s.cost_usd ? `, $${s.cost_usd.toFixed(4)}` : ""}\n`,
  );
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}
