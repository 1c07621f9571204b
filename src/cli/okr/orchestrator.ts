import { loadConfig } from "../../config/load.ts";
import { UserError } from "../../contracts/errors.ts";
import { dataDir } from "../../config/paths.ts";
import { resolveModel } from "../../provider/resolve.ts";
import { peersFromEnv } from "../../peers/directory.ts";
import { prepareAgent } from "../../app/agent-factory.ts";
import { SessionRecorder } from "../../durable-logs/recorder.ts";
import { OkrService } from "../../okr/service.ts";
import { openOkrStore } from "../../okr/open-store.ts";
import type { GoServices } from "../../okr/go-run.ts";
import type { RelayEvent } from "../../relay/engine.ts";
import { describeRelayEvent } from "../../relay/describe-event.ts";
import { autoApproveAsk, type AutoApprove } from "../../permission/auto-approve.ts";
import { painter, printJson } from "../output.ts";
import { watchRunStops } from "../run/run-stops.ts";
import { printWarning } from "../output.ts";
import { isDirectory } from "../../util/is-directory.ts";
import { relayLockDir } from "../../relay/relay-lock.ts";

export interface OrchestratorOptions {
  config?: string;
  model?: string;
  agent?: string;
  autoApprove?: AutoApprove;
  json?: boolean;
  /** Where the agents work (a resumed run's workspace); default the current directory. */
  workspace?: string;
  /** The run's own session (drafting and evaluations) when continuing one. */
  sessionId?: string;
}

export interface Orchestrator {
  services: GoServices;
  /** The relay stopped because of SIGINT/SIGTERM. */
  readonly interrupted: boolean;
  close(): Promise<void>;
}

/**
 * The agent an OKR or relay run works with, assembled by the one factory, its records stamped with the
 * run's ids; relay progress on stderr (JSON lines on stdout with --json); SIGINT stops the current turn.
 */
export async function openOrchestrator(options: OrchestratorOptions): Promise<Orchestrator> {
  const { config } = loadConfig(options.config);
  // A run resumed or approved where it was not drafted (another machine, a deleted checkout) would work elsewhere.
  if (options.workspace && !isDirectory(options.workspace))
    throw new UserError(
      `the run's workspace ${options.workspace} does not exist here: run this where it does (or restore it)`,
    );
  const dir = dataDir();
  const recorder = await SessionRecorder.openOrWarn(dir, config, printWarning);
  const store = await openOkrStore(dir, config);
  const correlation = {};
  const prepared = await prepareAgent({
    config,
    dataDir: dir,
    workspace: options.workspace ?? process.cwd(),
    services: { peers: peersFromEnv(), recorder: recorder ?? undefined },
    modelRef: options.model,
    agent: options.agent,
    sessionId: options.sessionId,
    newIfMissing: true,
    ask: autoApproveAsk(options.autoApprove ?? "none"),
    onWarning: printWarning,
    correlation,
  });
  let interrupted = false;
  const stops = watchRunStops(() => process.exit(130));
  stops.controller.signal.addEventListener("abort", () => (interrupted = true));
  const services: GoServices = {
    service: new OkrService(store),
    prepared,
    correlation,
    recordEvent: recorder ? (input) => recorder.recordEvent(input) : undefined,
    audit: recorder ? (input) => recorder.recordAudit(input) : undefined,
    resolveModel: (ref) => resolveModel(ref, config),
    lockDir: relayLockDir(dir),
    signal: stops.controller.signal,
    onRelayEvent: options.json ? printJson : progressPrinter(),
  };
  return {
    services,
    get interrupted() {
      return interrupted;
    },
    close: async () => {
      await prepared.close();
      await recorder?.close();
      await store.close();
      stops.dispose();
    },
  };
}

function progressPrinter(): (event: RelayEvent) => void {
  const paint = painter(process.stderr);
  const style = { "relay.turn_started": "cyan", "relay.finished": "green" } as const;
  return (event) => {
    const line = describeRelayEvent(event);
    const color = event.type === "relay.turn_started" || event.type === "relay.finished" ? style[event.type] : "dim";
    process.stderr.write(`${paint(color, line)}\n`);
  };
}
