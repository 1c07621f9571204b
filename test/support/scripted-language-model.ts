// An in-memory model for in-process tests of the agent loop: the fake model server's script turns
// (src/scripted-model/script.ts), answered by an AI SDK LanguageModelV3 instead of over HTTP.
import { setTimeout as sleep } from "node:timers/promises";
import { APICallError } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import type { ResolvedModel } from "../../src/provider/resolve.ts";
import {
  EXHAUSTED_TEXT,
  normalizeTurn,
  replyItems,
  replyUsage,
  textChunks,
  type PromptText,
  type ReplyItem,
  type ScriptItem,
  type TurnOptions,
} from "../../src/scripted-model/script.ts";

type CallOptions = MockLanguageModelV3["doStreamCalls"][number];
type StreamResult = Awaited<ReturnType<MockLanguageModelV3["doStream"]>>;
type StreamPart = StreamResult["stream"] extends ReadableStream<infer P> ? P : never;
type GenerateResult = Awaited<ReturnType<MockLanguageModelV3["doGenerate"]>>;
type ModelUsage = Extract<StreamPart, { type: "finish" }>["usage"];

/** A turn as the fake model server takes it, less `match` (which selects by HTTP request). */
export type ScriptedTurn = string | ScriptItem[] | Omit<TurnOptions, "match">;

/** One call of the model, as `fake.requests` records them. */
export interface ModelCall {
  /** `generate` is a non-streaming call (compaction's summary); the loop's steps stream. */
  kind: "stream" | "generate";
  prompt: PromptText;
  /** The tool results the model was sent, in prompt order. */
  toolResults: { toolCallId: string; toolName: string; output: { type: string; value?: unknown } }[];
  /** Names of the tools offered. */
  tools: string[];
  options: CallOptions;
}

export interface ScriptedModel {
  /** What runAgent takes as `options.model`. */
  resolved: ResolvedModel;
  /** Appends turns; streamed and non-streamed calls take them in call order. */
  push(...turns: ScriptedTurn[]): void;
  calls: ModelCall[];
  /** Turns not consumed yet. */
  pending(): number;
}

export function scriptedModel(options: { contextWindow?: number; script?: ScriptedTurn[] } = {}): ScriptedModel {
  const queue: TurnOptions[] = (options.script ?? []).map(normalizeTurn);
  const calls: ModelCall[] = [];

  const take = (kind: ModelCall["kind"], callOptions: CallOptions) => {
    calls.push({ kind, ...describePrompt(callOptions), options: callOptions });
    const turn = queue.shift() ?? { items: [{ text: EXHAUSTED_TEXT }] };
    const items = replyItems(turn, calls.length);
    const usage = replyUsage(turn, items, JSON.stringify(callOptions.prompt).length);
    return { turn, items, usage: modelUsage(usage) };
  };

  const language = new MockLanguageModelV3({
    provider: "scripted",
    modelId: "model",
    async doStream(callOptions): Promise<StreamResult> {
      const { turn, items, usage } = take("stream", callOptions);
      await delay(turn.delayMs, callOptions.abortSignal);
      if (turn.error) throw apiError(turn.error);
      return { stream: partStream(streamParts(items, usage), turn, callOptions.abortSignal) };
    },
    async doGenerate(callOptions): Promise<GenerateResult> {
      const { turn, items, usage } = take("generate", callOptions);
      await delay(turn.delayMs, callOptions.abortSignal);
      if (turn.error) throw apiError(turn.error);
      const text = items.flatMap((item) => (item.type === "text" ? [item.text] : [])).join("");
      return { content: [{ type: "text", text }], finishReason: { unified: "stop", raw: "stop" }, usage, warnings: [] };
    },
  });

  return {
    resolved: {
      ref: "scripted/model",
      providerId: "scripted",
      modelId: "model",
      kind: "openai-compatible",
      contextWindow: options.contextWindow ?? 200_000,
      language,
    },
    push: (...turns) => queue.push(...turns.map(normalizeTurn)),
    calls,
    pending: () => queue.length,
  };
}

/** The stream parts of a reply, in the order a provider streams them. */
function streamParts(items: ReplyItem[], usage: ModelUsage): StreamPart[] {
  const parts: StreamPart[] = [{ type: "stream-start", warnings: [] }];
  items.forEach((item, index) => {
    const id = String(index);
    if (item.type === "tool") {
      parts.push({ type: "tool-call", toolCallId: item.id, toolName: item.name, input: item.args });
      return;
    }
    const kind = item.type;
    parts.push({ type: `${kind}-start`, id });
    for (const delta of textChunks(item.text)) parts.push({ type: `${kind}-delta`, id, delta });
    parts.push({ type: `${kind}-end`, id });
  });
  const toolCalls = items.some((item) => item.type === "tool");
  const reason = toolCalls ? "tool-calls" : "stop";
  parts.push({ type: "finish", usage, finishReason: { unified: reason, raw: reason } });
  return parts;
}

/** Streams the parts (`chunkDelayMs` apart); a `hang` turn stops before `finish` and waits for the abort. */
function partStream(parts: StreamPart[], turn: TurnOptions, signal: AbortSignal | undefined): ReadableStream {
  const sent = turn.hang ? parts.slice(0, -1) : parts;
  return new ReadableStream<StreamPart>({
    async start(controller) {
      const fail = () => controller.error(signal?.reason ?? new DOMException("aborted", "AbortError"));
      signal?.addEventListener("abort", fail, { once: true });
      try {
        for (const [index, part] of sent.entries()) {
          if (index > 0) await delay(turn.chunkDelayMs, signal);
          controller.enqueue(part);
        }
      } catch {
        return; // aborted during a delay: `fail` has ended the stream
      }
      if (turn.hang) return;
      signal?.removeEventListener("abort", fail);
      controller.close();
    },
  });
}

/** Throws what a provider's HTTP client throws for an error status. */
function apiError(error: NonNullable<TurnOptions["error"]>): APICallError {
  const body = error.body as { error?: { message?: string } } | string | undefined;
  const message = typeof body === "string" ? body : (body?.error?.message ?? `scripted error ${error.status}`);
  return new APICallError({
    message,
    url: "scripted://model",
    requestBodyValues: {},
    statusCode: error.status,
    responseHeaders: error.headers,
    responseBody: typeof body === "string" ? body : JSON.stringify(body ?? { error: { message } }),
  });
}

function modelUsage(usage: { input: number; output: number }): ModelUsage {
  return {
    inputTokens: { total: usage.input, noCache: usage.input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: usage.output, text: usage.output, reasoning: undefined },
  };
}

function describePrompt(options: CallOptions): Omit<ModelCall, "kind" | "options"> {
  const prompt: PromptText = { system: "", users: [] };
  const toolResults: ModelCall["toolResults"] = [];
  for (const message of options.prompt) {
    if (message.role === "system") prompt.system += message.content;
    if (message.role === "user") {
      const text = message.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");
      if (text) prompt.users.push(text);
    }
    if (message.role === "tool") {
      for (const part of message.content) if (part.type === "tool-result") toolResults.push(part);
    }
  }
  return { prompt, toolResults, tools: (options.tools ?? []).map((tool) => tool.name) };
}

function delay(ms: number | undefined, signal: AbortSignal | undefined): Promise<void> {
  return ms ? sleep(ms, undefined, { signal }) : Promise.resolve();
}
