import type { z } from "zod";
import type { CommandRunner } from "./command.ts";

/** What a tool may touch, for permission rules: reads, edits, shell commands, network, or other. */
export type ToolKind = "read" | "edit" | "execute" | "network" | "other";

export interface PermissionRequest {
  /** The tool (or MCP tool) asking. */
  tool: string;
  kind: ToolKind;
  /** A path for file tools, the command line for bash, a URL for network tools. */
  target: string;
  /** True when the target is a path outside the workspace. */
  external?: boolean;
  /** True when the target is a URL whose host is a private, loopback or link-local address. */
  private?: boolean;
  /** What an edit would change, computed only when a person is asked (the TUI shows it as a diff). */
  preview?(): Promise<ProposedChange>;
  /**
   * Refuse instead of asking (standing approvals still count): a search leaves out the files it may not
   * show (.env and the like) rather than asking about each match.
   */
  quiet?: boolean;
}

/** A file's text before and after a proposed edit. */
export interface ProposedChange {
  path: string;
  before: string;
  after: string;
}

/** One thing a call touches, as its tool declares it; the runner asks permission with the tool's name and kind. */
export interface PermissionTarget {
  /** A path for file tools, the command line for bash, a URL for network tools. */
  target: string;
  /** True when the target is a path outside the workspace. */
  external?: boolean;
  /** For edits: what the call would change, for the person asked (see PermissionRequest.preview). */
  preview?(): Promise<ProposedChange>;
}

/** A question for the user (the `question` tool). */
export interface QuestionRequest {
  question: string;
  /** Suggested answers; the user may still answer freely. */
  options?: string[];
}

/** A sub-agent run (the `task` tool): `agent` is a profile name the front end resolves. */
export interface SubAgentRequest {
  agent: string;
  description: string;
  prompt: string;
}

export interface SubAgentResult {
  sessionId: string;
  text: string;
}

/** Plan mode of a run: while active, edits and commands are refused (see plan-mode.ts). */
export interface PlanModeState {
  active: boolean;
}

/** config.toml as tools see it: each tool validates its own section, so none is typed here. */
export type ToolConfig = { readonly [section: string]: unknown };

/** Services a front end may give tools; a tool whose service is absent says so to the model. */
export interface ToolHooks {
  /** The loaded config.toml; tools validate their own sections ([websearch], [lsp]). */
  config?: ToolConfig;
  /** Asks the user; resolves "" when the user skips the question, undefined when nobody can answer (non-interactive runs). */
  question?(request: QuestionRequest, signal: AbortSignal): Promise<string | undefined>;
  /** Runs a sub-agent in a child session of this one and resolves with its final answer. */
  runSubAgent?(request: SubAgentRequest, signal: AbortSignal): Promise<SubAgentResult>;
  /** Runs commands in the sandbox; a tool that runs commands refuses to without it. */
  commands?: CommandRunner;
  /** Whether the model accepts images in tool results (unknown: undefined). */
  supportsImages?: boolean;
}

export interface ToolContext extends ToolHooks {
  workspace: string;
  sessionId: string;
  callId: string;
  signal: AbortSignal;
  /** Where tools spill full outputs that were truncated. */
  outputDir: string;
  /** Resolves when allowed; throws a ToolError the model can act on when denied. */
  authorize(request: PermissionRequest): Promise<void>;
  /** The data directory (SQLite for per-session state such as todos). */
  dataDir?: string;
  planMode?: PlanModeState;
  /** Every tool of the run by name (batch calls them). */
  tools?: ReadonlyMap<string, Tool>;
}

/** An image or file handed to the model beside the text output (where the model supports it). */
export interface ToolAttachment {
  type: "image";
  mediaType: string;
  /** Base64. */
  data: string;
}

export interface ToolResult {
  output: string;
  /** One line for the activity log (e.g. the path read, the command run). */
  title?: string;
  metadata?: Record<string, unknown>;
  attachments?: ToolAttachment[];
  /** The file holding the whole output when `output` was cut (bash, webfetch): what the agent's RLM routing reads. */
  fullOutputPath?: string;
}

/**
 * A tool. The runner (tool/invoke.ts) asks permission for each of a call's `targets` before `execute`,
 * which receives them: what was authorized is what the tool acts on. Targets may carry what the tool
 * computed to find them (a resolved path, a peer) so it is computed once.
 */
export interface Tool<P extends z.ZodType = z.ZodType, T extends PermissionTarget = PermissionTarget> {
  name: string;
  description: string;
  parameters: P;
  kind: ToolKind;
  /**
   * What a call touches; none (or no method) means the call needs no permission.
   * Throws a ToolError for a call that can't be made (checked before anyone is asked).
   */
  targets?(args: z.infer<P>, ctx: ToolContext): T[] | Promise<T[]>;
  execute(args: z.infer<P>, ctx: ToolContext, targets: T[]): Promise<ToolResult>;
}

/** A failure the model should read and act on; never ends the run. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

export function defineTool<P extends z.ZodType, T extends PermissionTarget = PermissionTarget>(
  tool: Tool<P, T>,
): Tool<P, T> {
  return tool;
}
