import type { ToolResultPart } from "ai";
import { z } from "zod";
import type { Tool, ToolContext } from "../tool/tool.ts";
import { ToolError } from "../tool/tool.ts";
import { AsyncQueue } from "../util/async-queue.ts";
import type { AgentEvent } from "./events.ts";

export interface PendingCall {
  callId: string;
  tool: string;
  input: unknown;
  /** Set when the call can't run (unknown tool, bad arguments, refused): returned to the model as is. */
  rejection?: string;
}

type CallContext = Omit<ToolContext, "callId">;

/**
 * Runs a step's tool calls in parallel, yielding running/completed/error events as they happen,
 * and returns the tool-result parts in call order. Failures become results the model can read.
 */
export async function* runToolCalls(calls: PendingCall[], tools: Map<string, Tool>, ctx: CallContext): AsyncGenerator<AgentEvent, ToolResultPart[]> {
  const queue = new AsyncQueue<AgentEvent>();
  const results: ToolResultPart[] = new Array(calls.length);
  const runs = calls.map(async (call, index) => {
    const outcome = await runOne(call, tools, ctx, (e) => queue.push(e));
    results[index] = {
      type: "tool-result",
      toolCallId: call.callId,
      toolName: call.tool,
      output: outcome.ok ? { type: "text", value: outcome.text } : { type: "error-text", value: outcome.text },
    };
  });
  void Promise.all(runs).then(() => queue.close());
  yield* queue;
  return results;
}

async function runOne(call: PendingCall, tools: Map<string, Tool>, ctx: CallContext, emit: (e: AgentEvent) => void) {
  const fail = (error: string) => {
    emit({ type: "tool-error", callId: call.callId, tool: call.tool, error });
    return { ok: false, text: error };
  };
  if (call.rejection) return fail(call.rejection);
  const tool = tools.get(call.tool);
  if (!tool) return fail(`unknown tool '${call.tool}'; available: ${[...tools.keys()].join(", ")}`);
  const parsed = tool.parameters.safeParse(call.input);
  if (!parsed.success) return fail(`invalid arguments for ${call.tool}: ${z.prettifyError(parsed.error)}. Fix the arguments and call again.`);
  if (ctx.signal.aborted) return fail("aborted before it ran");
  emit({ type: "tool-running", callId: call.callId, tool: call.tool, input: call.input });
  try {
    const result = await tool.execute(parsed.data, { ...ctx, callId: call.callId });
    emit({ type: "tool-completed", callId: call.callId, tool: call.tool, title: result.title, output: result.output, metadata: result.metadata });
    return { ok: true, text: result.output };
  } catch (error) {
    const message = error instanceof ToolError ? error.message : `${call.tool} failed: ${(error as Error).message ?? String(error)}`;
    return fail(message);
  }
}
