import type { PreparedAgent } from "../../app/agent-factory.ts";
import { errorMessage } from "../../contracts/errors.ts";
import type { Correlation } from "../../durable-logs/agent-observer.ts";
import type { SessionRecorder } from "../../durable-logs/recorder.ts";
import type { SessionHost } from "./session-host.ts";
import type { TuiRecords } from "./tui-agent.ts";

/** What an orchestration (/go, /autochat) run from the TUI works with. */
export interface Orchestration {
  prepared: PreparedAgent;
  /** Stamped on the records of the session's agent runs while the orchestration lasts. */
  correlation: Correlation;
  /** The durable logs the session's runs are recorded to (undefined when they could not be opened). */
  recorder?: SessionRecorder;
  dataDir: string;
  signal: AbortSignal;
  /** Asks through the question prompt; "" when skipped. */
  ask(question: string, options: string[]): Promise<string>;
}

/** Runs /go or /autochat as the session's turn: busy while it lasts, Esc interrupts it, failures are shown. */
export async function orchestrateCommand(
  host: SessionHost,
  records: TuiRecords,
  work: (orchestration: Orchestration) => Promise<void>,
): Promise<void> {
  if (host.refuseWhileBusy()) return;
  await host.exclusively(undefined, async (signal) => {
    try {
      await work({
        prepared: host.prepared,
        ...records,
        dataDir: host.dataDir,
        signal,
        ask: (question, options) => host.asks.askQuestion({ question, options }, signal),
      });
    } catch (error) {
      host.info(errorMessage(error), "error");
    } finally {
      const { correlation } = records;
      for (const key of Object.keys(correlation)) delete correlation[key as keyof Correlation];
    }
  });
}
