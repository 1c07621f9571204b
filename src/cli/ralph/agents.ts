import { prepareAgent } from "../../app/agent-factory.ts";
import type { Config } from "../../config/schema.ts";
import type { SessionRecorder } from "../../durable-logs/recorder.ts";
import { autoApproveAsk, type AutoApprove } from "../../permission/auto-approve.ts";
import type { CreateStoryAgent } from "../../ralph/story-attempt.ts";

export interface RalphAgentOptions {
  config: Config;
  dataDir: string;
  model?: string;
  /** Agent profile (default: the config's, else build). */
  agent?: string;
  autoApprove: AutoApprove;
  recorder?: SessionRecorder;
  warn: (message: string) => void;
}

/** Ralph's agents, each assembled by prepareAgent in a new session: nothing carries over but the files, the PRD and progress.txt. */
export function ralphAgents(options: RalphAgentOptions): CreateStoryAgent {
  return (workspace) =>
    prepareAgent({
      config: options.config,
      dataDir: options.dataDir,
      workspace,
      modelRef: options.model,
      agent: options.agent,
      // Nobody is there to answer: --auto-approve decides what an `ask` becomes; `deny` rules still hold.
      ask: autoApproveAsk(options.autoApprove),
      services: { recorder: options.recorder },
      onWarning: options.warn,
    });
}
