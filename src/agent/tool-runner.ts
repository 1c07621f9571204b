import type { ToolResultPart } from "ai";
import { invokeTool } from "../tool/invoke.ts";
import type { Tool, ToolContext, ToolResult } from "../contracts/tool.ts";
import { AsyncQueue } from "../util/async-queue.ts";
import type { AgentEvent } from "../contracts/agent-events.ts";

export interface PendingCall {
  callId: string;
  tool: string;
  input: unknown;
  /** Set when the call can't run (unknown tool, bad arguments, refused): returned to the model as is. */
  rejection?: string;
}

type CallContext = Omit<ToolContext, "callId">;

/** Replaces a successful result's output before the model sees it (undefined: keep it). */
export type ResultRouter = (tool: string, input: unknown, result: ToolResult) => Promise<string | undefined>;

/**
 * Runs a step's tool calls in parallel, yielding running/completed/error events as they happen,
 * and returns the tool-result parts in call order. Failures become results the model can read.
 */
export async function* runToolCalls(
  calls: PendingCall[],
  tools: Map<string, Tool>,
  ctx: CallContext,
  route?: ResultRouter,
): AsyncGenerator<AgentEvent, ToolResultPart[]> {
  const queue = new AsyncQueue<AgentEvent>();
  const results: ToolResultPart[] = new Array(calls.length);
  const runs = calls.map(async (call, index) => {
    const outcome = await runOne(call, tools, ctx, (e) => queue.push(e), route);
    results[index] = {
      type: "tool-result",
      toolCallId: call.callId,
      toolName: call.tool,
      output: !outcome.ok
        ? { type: "error-text", value: outcome.text }
        : outcome.attachments?.length
          ? {
              type: "content",
              value: [
                { type: "text", text: outcome.text },
                ...outcome.attachments.map((a) => ({
                  type: "image-data" as const,
                  data: a.data,
                  mediaType: a.mediaType,
                })),
              ],
            }
          : { type: "text", value: outcome.text },
    };
  });
  void Promise.all(runs).then(() => queue.close());
  yield* queue;
  return results;
}

async function runOne(
  call: PendingCall,
  tools: Map<string, Tool>,
  ctx: CallContext,
  emit: (e: AgentEvent) => void,
  route?: ResultRouter,
): Promise<{ ok: boolean; text: string; attachments?: ToolResult["attachments"] }> {
  const fail = (error: string) => {
    emit({ type: "tool-error", callId: call.callId, tool: call.tool, error });
    return { ok: false, text: error };
  };
  if (call.rejection) return fail(call.rejection);
  const running = () => emit({ type: "tool-running", callId: call.callId, tool: call.tool, input: call.input });
  const outcome = await invokeTool(call.tool, call.input, { ...ctx, callId: call.callId, tools }, running);
  if (!outcome.ok) return fail(outcome.error);
  const { result } = outcome;
  // A router failing keeps the tool's own (cut) output: routing is an improvement, never a new failure.
  const routed = route && (await route(call.tool, call.input, result).catch(() => undefined));
  const output = routed ?? result.output;
  emit({
    type: "tool-completed",
    callId: call.callId,
    tool: call.tool,
    title: result.title,
    output,
    metadata: routed === undefined ? result.metadata : { ...result.metadata, routed: true },
  });
  return { ok: true, text: output, attachments: result.attachments };
}
