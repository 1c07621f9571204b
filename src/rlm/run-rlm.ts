import { generateText, type ModelMessage, type ToolResultPart } from "ai";
import type { Tool } from "../contracts/tool.ts";
import { attachRoutedCall, streamStep, toToolSet, type StepOutcome } from "../agent/model-step.ts";
import type { AgentOptions } from "../agent/agent-options.ts";
import { DEFAULT_RETRY, describeProviderError, isRetryable, retryDelay } from "../agent/retry.ts";
import { invokeTool } from "../tool/invoke.ts";
import type { ResolvedModel } from "../provider/resolve.ts";
import type { ContentType } from "./content-type.ts";
import type { Corpus } from "./corpus.ts";
import { exploreTools, FINAL_TOOL } from "./explore-tools.ts";
import { RlmMeter, type RlmLimit } from "./meter.ts";
import { subQuery } from "./sub-query.ts";
import systemPrompt from "./prompt/system.txt";

const RLM_DEFAULTS = { maxIterations: 15, maxSubcalls: 50, chunkTokens: 4000 };

export interface RlmOptions {
  model: ResolvedModel;
  corpus: Corpus;
  contentType: ContentType;
  query: string;
  /** The most tokens of content one sub-call reads (--max-tokens); also capped at half the model's window. */
  chunkTokens?: number;
  maxIterations?: number;
  maxSubcalls?: number;
  signal?: AbortSignal;
  /** The local tool-call router, for answers in prose that describe a tool call. */
  routeTextAnswer?: AgentOptions["routeTextAnswer"];
  /** Each tool call as it completes (for -v). */
  onToolCall?: (call: { iteration: number; tool: string; input: unknown; output: string; ok: boolean }) => void;
}

export interface RlmResult {
  answer: string;
  /** True when the model gave its answer; false when a limit stopped it (the answer is its best partial one). */
  complete: boolean;
  limit?: RlmLimit;
  iterations: number;
  subQueries: number;
  stats: { inputTokens: number; outputTokens: number; elapsedMs: number; costUsd?: number };
}

/**
 * The RLM loop: the content stays outside the model's context; the model explores it with the rlm_* tools
 * (their results clamped) until it calls rlm_final. When a limit is reached, one last call without tools
 * asks for the best answer from what was found.
 */
export async function runRlm(options: RlmOptions): Promise<RlmResult> {
  const { model, corpus, contentType } = options;
  const signal = options.signal ?? new AbortController().signal;
  const maxIterations = options.maxIterations ?? RLM_DEFAULTS.maxIterations;
  const meter = new RlmMeter(model.info, options.maxSubcalls ?? RLM_DEFAULTS.maxSubcalls);
  const chunkTokens = Math.max(
    200,
    Math.min(options.chunkTokens ?? RLM_DEFAULTS.chunkTokens, Math.floor(model.contextWindow / 2)),
  );
  const tools = exploreTools(corpus, {
    subQuery: (query, start, end, callSignal) =>
      subQuery({ model, corpus, contentType, chunkTokens, meter }, query, start, end, callSignal),
  });
  const byName = new Map(tools.map((t) => [t.name, t]));
  const messages: ModelMessage[] = [{ role: "user", content: overview(corpus, contentType, options.query) }];
  // A run that ran into a limit is partial even when the model answered after it.
  const result = (answer: string, complete: boolean): RlmResult => ({
    answer,
    complete: complete && !meter.limit,
    ...(meter.limit ? { limit: meter.limit } : {}),
    iterations: meter.iterations,
    subQueries: meter.subcalls,
    stats: {
      inputTokens: meter.inputTokens,
      outputTokens: meter.outputTokens,
      elapsedMs: meter.elapsedMs(),
      ...(meter.costUsd !== undefined ? { costUsd: meter.costUsd } : {}),
    },
  });

  let lastText = "";
  while (meter.iterations < maxIterations) {
    meter.iterations++;
    const outcome = await step(model, messages, tools, signal);
    meter.addUsage(outcome.inputTokens, outcome.outputTokens);
    if (outcome.calls.length === 0 && outcome.text.trim() && options.routeTextAnswer) {
      const routed = await options.routeTextAnswer({ text: outcome.text, tools, signal });
      if (routed) attachRoutedCall(outcome, routed, `router_${meter.iterations}`);
    }
    messages.push(...outcome.messages);
    if (outcome.text.trim()) lastText = outcome.text.trim();
    // An answer in prose instead of rlm_final is still the model's answer.
    if (outcome.calls.length === 0) return result(lastText || "(the model gave no answer)", Boolean(lastText));
    const final = outcome.calls.find((c) => c.tool === FINAL_TOOL && !c.rejection);
    const parsedFinal = final && byName.get(FINAL_TOOL)!.parameters.safeParse(final.input);
    if (parsedFinal?.success) return result((parsedFinal.data as { answer: string }).answer, true);
    const results: ToolResultPart[] = [];
    for (const call of outcome.calls) {
      const invocation = call.rejection
        ? { ok: false as const, error: call.rejection }
        : await invokeTool(call.tool, call.input, callContext(call.callId, byName, signal));
      const text = invocation.ok ? invocation.result.output : invocation.error;
      options.onToolCall?.({
        iteration: meter.iterations,
        tool: call.tool,
        input: call.input,
        output: text,
        ok: invocation.ok,
      });
      results.push({
        type: "tool-result",
        toolCallId: call.callId,
        toolName: call.tool,
        output: invocation.ok ? { type: "text", value: text } : { type: "error-text", value: text },
      });
    }
    messages.push({ role: "tool", content: results });
    if (signal.aborted) throw signal.reason ?? new DOMException("aborted", "AbortError");
  }
  meter.limitHit("max_iterations");
  return result(await partialAnswer(model, messages, tools, meter, signal, lastText), false);
}

/** One model step, retried like the agent loop's on 429/5xx when nothing was streamed yet. */
async function step(
  model: ResolvedModel,
  messages: ModelMessage[],
  tools: Tool[],
  signal: AbortSignal,
): Promise<StepOutcome> {
  for (let attempt = 1; ; attempt++) {
    const stream = streamStep(model.language, systemPrompt, messages, tools, signal, model.info?.maxOutput);
    let emitted = false;
    try {
      for (;;) {
        const next = await stream.next();
        if (next.done) return next.value;
        emitted = true;
      }
    } catch (error) {
      if (signal.aborted || emitted || !isRetryable(error) || attempt >= DEFAULT_RETRY.maxAttempts)
        throw new Error(describeProviderError(error));
      await new Promise((resolve) => setTimeout(resolve, retryDelay(error, attempt, DEFAULT_RETRY)));
    }
  }
}

/** The best answer after a limit: the model is asked once more, without tools, to answer from what it found. */
async function partialAnswer(
  model: ResolvedModel,
  messages: ModelMessage[],
  tools: Tool[],
  meter: RlmMeter,
  signal: AbortSignal,
  lastText: string,
): Promise<string> {
  try {
    const { text, usage } = await generateText({
      model: model.language,
      system: systemPrompt,
      messages: [
        ...messages,
        {
          role: "user",
          content: "The exploration limit is reached. Give your best answer now from what you found, as plain text.",
        },
      ],
      tools: toToolSet(tools),
      toolChoice: "none",
      abortSignal: signal,
      maxRetries: 2,
    });
    meter.addUsage(usage.inputTokens ?? 0, usage.outputTokens ?? 0);
    if (text.trim()) return text.trim();
  } catch {
    // The partial answer is best effort: the last text the model wrote stands in for it.
  }
  return lastText || "(no answer: the limits were reached before the model answered)";
}

function callContext(callId: string, tools: Map<string, Tool>, signal: AbortSignal) {
  // The exploration tools touch nothing but the content: no permission to ask, no files to spill.
  return { workspace: "", sessionId: "rlm", callId, signal, outputDir: "", authorize: async () => {}, tools };
}

/** The first message: the question and what the content is, never the content itself. */
function overview(corpus: Corpus, contentType: ContentType, query: string): string {
  return [
    `Question: ${query}`,
    "",
    `The content: ${corpus.lineCount} lines, ${corpus.bytes} bytes, detected as ${contentType}. Lines are numbered from 0.`,
  ].join("\n");
}
