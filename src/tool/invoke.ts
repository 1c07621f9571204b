import { z } from "zod";
import { ToolError, type PermissionRequest, type Tool, type ToolContext, type ToolResult } from "../contracts/tool.ts";
import { redactText } from "../util/redact.ts";

export type Invocation = { ok: true; result: ToolResult } | { ok: false; error: string };

/**
 * Looks up, validates and runs one tool call; every failure becomes a message the model can act on.
 * The agent's tool runner and `batch` both call tools through here. Outputs and errors come back
 * redacted: a secret a tool printed reaches neither the model nor anything recorded.
 */
export async function invokeTool(
  name: string,
  input: unknown,
  ctx: ToolContext,
  onStart?: () => void,
): Promise<Invocation> {
  const tool = ctx.tools?.get(name);
  if (!tool)
    return { ok: false, error: `unknown tool '${name}'; available: ${[...(ctx.tools?.keys() ?? [])].join(", ")}` };
  const parsed = tool.parameters.safeParse(input);
  if (!parsed.success)
    return {
      ok: false,
      error: `invalid arguments for ${name}: ${z.prettifyError(parsed.error)}. Fix the arguments and call again.`,
    };
  if (ctx.signal.aborted) return { ok: false, error: "aborted before it ran" };
  onStart?.();
  try {
    const result = await untilAborted(runTool(tool, parsed.data, ctx), ctx.signal);
    return { ok: true, result: { ...result, output: redactText(result.output) } };
  } catch (error) {
    const message =
      error instanceof ToolError ? error.message : `${name} failed: ${(error as Error)?.message ?? String(error)}`;
    return { ok: false, error: redactText(message) };
  }
}

/**
 * Runs a tool on validated arguments: asks permission for everything the call touches, in order,
 * with the tool's own name and kind, and only then executes it. Throws what the gate or the tool throws.
 */
export async function runTool(tool: Tool, args: unknown, ctx: ToolContext): Promise<ToolResult> {
  const targets = (await tool.targets?.(args, ctx)) ?? [];
  for (const { target, external, preview } of targets) {
    const request: PermissionRequest = { tool: tool.name, kind: tool.kind, target };
    if (external !== undefined) request.external = external;
    if (preview) request.preview = preview;
    await ctx.authorize(request);
  }
  if (tool.kind === "edit") await ctx.editSnapshots?.before(targets.map((t) => t.target));
  return tool.execute(args, ctx, targets);
}

/**
 * The tool's result, or an error as soon as the run is interrupted: a tool that does not stop on the
 * signal (a language server that never answers) must not hold an interrupted run.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new ToolError("interrupted while it ran"));
    if (signal.aborted) return onAbort(); // no abort event comes for a signal aborted already
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
