import { resolve } from "node:path";
import { createBusHandle } from "../../bus/bus-handle.ts";
import { busOptionsFrom, createBus } from "../../bus/create-bus.ts";
import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { SessionRecorder } from "../../durable-logs/recorder.ts";
import type { AutoApprove } from "../../permission/auto-approve.ts";
import { runRalph } from "../../ralph/loop.ts";
import { Sandbox } from "../../sandbox/runner.ts";
import { printJson } from "../output.ts";
import { watchRunStops } from "../run/run-stops.ts";
import { ralphAgents } from "./agents.ts";
import { ralphProgressPrinter } from "./progress-printer.ts";
import { printWarning } from "../output.ts";

export interface RalphRunCliOptions {
  config?: string;
  prd: string;
  maxIterations: number;
  maxQualityRetries: number;
  model?: string;
  parallel: number;
  commit: boolean;
  autoApprove: AutoApprove;
  json?: boolean;
}

const EXIT: Record<string, number> = { completed: 0, stopped: 130 };

/** `codetether ralph run`: exit 0 when every story passes, 130 when stopped, 1 otherwise. */
export async function ralphRunAction(options: RalphRunCliOptions): Promise<void> {
  const { config } = loadConfig(options.config);
  const dir = dataDir();
  // Each story's agent reports the same problems (an event log that cannot open, no bubblewrap): once is enough.
  const warned = new Set<string>();
  const warn = (message: string) => {
    if (!warned.has(message)) printWarning(message);
    warned.add(message);
  };
  const recorder = await SessionRecorder.openOrWarn(dir, config, warn);
  const runner = new Sandbox({
    config,
    dataDir: dir,
    audit: recorder ? (input) => recorder.recordAudit(input) : undefined,
    onWarning: warn,
  });
  // With a NATS bus configured ([bus] url or CODETETHER_BUS_URL) others can watch ralph.{prd_id}; an
  // in-process bus would have no one on it.
  const busOptions = busOptionsFrom({ bus: config.bus });
  const bus = busOptions.url ? await createBus(busOptions) : undefined;
  const handle = bus ? createBusHandle(bus, `ralph-${process.pid}`) : undefined;
  const printer = ralphProgressPrinter();
  const stops = watchRunStops(() => process.exit(130));
  try {
    const outcome = await runRalph({
      prdPath: resolve(options.prd),
      dataDir: dir,
      maxIterations: options.maxIterations,
      maxQualityRetries: options.maxQualityRetries,
      commit: options.commit,
      parallel: options.parallel,
      createAgent: ralphAgents({
        config,
        dataDir: dir,
        model: options.model,
        autoApprove: options.autoApprove,
        recorder: recorder ?? undefined,
        warn,
      }),
      runner,
      signal: stops.controller.signal,
      bus: handle,
      onEvent: (event) => (options.json ? printJson(event) : printer.event(event)),
      onAgentEvent: options.json ? undefined : printer.agentEvent,
    });
    process.exitCode = EXIT[outcome.status] ?? 1;
  } finally {
    stops.dispose();
    handle?.close();
    await bus?.flush();
    await bus?.close();
    await recorder?.close();
  }
}
