import { z } from "zod";
import { ToolError, type ToolContext, type ToolResult } from "./tool.ts";

export type Invocation = { ok: true; result: ToolResult } | { ok: false; error: string };

/**
 * Looks up, validates and runs one tool call; every failure becomes a message the model can act on.
 * The agent's tool runner and `batch` both call tools through here.
 */
export async function invokeTool(name: string, input: unknown, ctx: ToolContext, onStart?: () => void): Promise<Invocation> {
  const tool = ctx.tools?.get(name);
  if (!tool) return { ok: false, error: `unknown tool '${name}'; available: ${[...(ctx.tools?.keys() ?? [])].join(", ")}` };
  const parsed = tool.parameters.safeParse(input);
  if (!parsed.success) return { ok: false, error: `invalid arguments for ${name}: ${z.prettifyError(parsed.error)}. Fix the arguments and call again.` };
  if (ctx.signal.aborted) return { ok: false, error: "aborted before it ran" };
  onStart?.();
  try {
    return { ok: true, result: await tool.execute(parsed.data, ctx) };
  } catch (error) {
    const message = error instanceof ToolError ? error.message : `${name} failed: ${(error as Error)?.message ?? String(error)}`;
    return { ok: false, error: message };
  }
}
