import { prepareAgent, type PreparedAgent } from "../../app/agent-factory.ts";
import type { AskReply, AskRequest } from "../../permission/engine.ts";
import type { Correlation } from "../../durable-logs/agent-observer.ts";
import { SessionRecorder } from "../../durable-logs/recorder.ts";
import { peersFromEnv } from "../../peers/directory.ts";
import type { TuiSessionOptions } from "./session-host.ts";

/** What the session's agent runs record under: /go and /autochat stamp and record their own runs too. */
export interface TuiRecords {
  correlation: Correlation;
  recorder?: SessionRecorder;
}

/**
 * The TUI's agent, assembled as every front end's is, with its durable logs opened here rather than by
 * prepareAgent (orchestrations record through them as well); `ask` and `warn` reach the session once made.
 */
export async function prepareTuiAgent(
  options: TuiSessionOptions,
  hooks: { ask: (ask: AskRequest) => Promise<AskReply>; warn: (message: string) => void },
): Promise<{ prepared: PreparedAgent; records: TuiRecords }> {
  const correlation: Correlation = {};
  const recorder = await SessionRecorder.openFor(options.dataDir, options.config).catch(() => undefined);
  const prepared = await prepareAgent({
    config: options.config,
    dataDir: options.dataDir,
    workspace: options.workspace,
    services: { peers: peersFromEnv(), recorder },
    modelRef: options.modelRef,
    agent: options.agent,
    sessionId: options.sessionId,
    continueLatest: options.continueLatest,
    ask: hooks.ask,
    onWarning: hooks.warn,
    correlation,
  });
  return { prepared, records: { correlation, recorder } };
}
