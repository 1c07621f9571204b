import type { UserContent } from "ai";
import type { AgentEvent } from "../contracts/agent-events.ts";
import type { PermissionRequest, PlanModeState, Tool, ToolHooks } from "../contracts/tool.ts";
import type { ResolvedModel } from "../provider/resolve.ts";
import type { SessionInfo, SessionStore } from "../session/store.ts";
import type { RetryPolicy } from "./retry.ts";

/** A tool's successful output as the loop offers it to `routeToolOutput`. */
export interface ToolOutput {
  tool: string;
  input: unknown;
  /** The output as the tool gave it (cut to the tool's limits). */
  output: string;
  /** The file with the whole output when the tool cut it. */
  fullOutputPath?: string;
  /** The model's context window, in tokens. */
  contextWindow: number;
  /** The user's request of this run (what the output should be read for). */
  task: string;
  signal: AbortSignal;
}

/** Starts an agent run: runAgent, or the app layer's runAgent with its subscribers. */
export type AgentRunner = (input: string | UserContent, options: AgentOptions) => AsyncGenerator<AgentEvent, void>;

/** What an agent profile changes for a sub-agent; undefined means there is no such profile. */
export type ResolveAgent = (name: string) => Partial<Pick<AgentOptions, "tools" | "system" | "authorize">> | undefined;

export interface AgentOptions {
  store: SessionStore;
  session: SessionInfo;
  model: ResolvedModel;
  tools: Tool[];
  system: string;
  workspace: string;
  dataDir: string;
  signal?: AbortSignal;
  maxSteps?: number;
  /** Permission gate for every tool action; allows everything when absent. */
  authorize?: (request: PermissionRequest) => Promise<void>;
  retry?: RetryPolicy;
  /** Services for tools (config, question, a custom sub-agent runner); see ToolHooks. */
  hooks?: ToolHooks;
  /** Agent profiles for the `task` tool's sub-agents; without it they run with this agent's setup. */
  resolveAgent?: ResolveAgent;
  /** Plan mode shared with the parent run: a sub-agent cannot edit while its parent is in plan mode. */
  planMode?: PlanModeState;
  /**
   * Starts the `task` tool's sub-agent runs (default: runAgent). The app layer passes its own, so that a
   * child's events reach the same subscribers (durable log, bus) as its parent's.
   */
  childRunner?: AgentRunner;
  /**
   * Offered every successful tool output before the model sees it; a string replaces the output. The app
   * layer routes bulk outputs too large for the context through RLM with it (core does not know RLM).
   */
  routeToolOutput?: (output: ToolOutput) => Promise<string | undefined>;
  /**
   * Asked when the model answers with text only although tools were offered: a call made of that text runs
   * like one the model made (the local tool-call router); undefined lets the answer stand.
   */
  routeTextAnswer?: (answer: {
    text: string;
    tools: Tool[];
    signal: AbortSignal;
  }) => Promise<{ tool: string; input: Record<string, unknown> } | undefined>;
}
