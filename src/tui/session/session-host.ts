import type { Config } from "../../config/schema.ts";
import type { PreparedAgent, PrepareOptions } from "../../app/agent-factory.ts";
import type { ResolvedModel } from "../../provider/resolve.ts";
import type { SessionInfo } from "../../session/store.ts";
import type { Entry } from "../chat/entries.ts";
import type { Timeline } from "./timeline.ts";
import type { UserAsks } from "./user-asks.ts";

/** What prepareAgent takes, less the ask (the TUI answers asks itself), plus the step budget. */
export type TuiSessionOptions = Omit<PrepareOptions, "ask" | "onWarning"> & { maxSteps?: number };

/** What the TUI's commands (/ralph, /swarm, /go, /compact, /undo, `!cmd`) take from its session. */
export interface SessionHost {
  readonly prepared: PreparedAgent;
  readonly config: Config;
  readonly dataDir: string;
  readonly workspace: string;
  readonly timeline: Timeline;
  readonly asks: UserAsks;
  /** The agent as it is now: its session, model, profile name and the profile's tools, system prompt and gate. */
  current(): {
    session: SessionInfo;
    model: ResolvedModel;
    agent: string;
    setup: Pick<PreparedAgent, "tools" | "system" | "authorize">;
  };
  /** True (and says so) while a turn runs. */
  refuseWhileBusy(): boolean;
  /**
   * Runs `work` as the session's turn: busy, showing `status`, while it lasts; Esc aborts its signal (when
   * interruptible, the default).
   */
  exclusively(
    status: string | undefined,
    work: (signal: AbortSignal) => Promise<void>,
    interruptible?: boolean,
  ): Promise<void>;
  setStatus(status: string | undefined): void;
  print(entries: Entry[]): void;
  info(text: string, level: "info" | "warning" | "error"): void;
}
