import type { z } from "zod";

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
}

export interface ToolContext {
  workspace: string;
  sessionId: string;
  callId: string;
  signal: AbortSignal;
  /** Where tools spill full outputs that were truncated. */
  outputDir: string;
  /** Resolves when allowed; throws a ToolError the model can act on when denied. */
  authorize(request: PermissionRequest): Promise<void>;
}

export interface ToolResult {
  output: string;
  /** One line for the activity log (e.g. the path read, the command run). */
  title?: string;
  metadata?: Record<string, unknown>;
}

export interface Tool<P extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  parameters: P;
  kind: ToolKind;
  execute(args: z.infer<P>, ctx: ToolContext): Promise<ToolResult>;
}

/** A failure the model should read and act on; never ends the run. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

export function defineTool<P extends z.ZodType>(tool: Tool<P>): Tool<P> {
  return tool;
}
