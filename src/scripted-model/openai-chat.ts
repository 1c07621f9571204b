// OpenAI chat completions (`/chat/completions`), as used by @ai-sdk/openai `.chat()` and @ai-sdk/openai-compatible.
// Reasoning goes out as `reasoning_content` deltas: openai-compatible reads it, @ai-sdk/openai ignores it.
import type { PromptText, Reply } from "./script.ts";
import { argChunks, partsText, textChunks } from "./script.ts";
import type { SseEvent, WireFormat } from "./wire-format.ts";
import { asRecords, finishedWithTools } from "./wire-format.ts";

type Delta = Record<string, unknown>;

function prompt(body: Record<string, unknown>): PromptText {
  const messages = asRecords(body.messages);
  const textOf = (role: string) => messages.filter((m) => m.role === role).map((m) => partsText(m.content));
  return {
    system: [...textOf("system"), ...textOf("developer")].join("\n"),
    users: textOf("user").filter((text) => text.length > 0),
  };
}

function usage(reply: Reply) {
  const { input, output } = reply.usage;
  return { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
}

function finishReason(reply: Reply): string {
  return finishedWithTools(reply) ? "tool_calls" : "stop";
}

/** Deltas in stream order; tool calls are streamed one after another, each with its own `index`. */
function deltas(reply: Reply): Delta[] {
  const out: Delta[] = [{ role: "assistant", content: null }];
  let toolIndex = 0;
  for (const item of reply.items) {
    if (item.type === "text") out.push(...textChunks(item.text).map((content) => ({ content })));
    if (item.type === "reasoning")
      out.push(...textChunks(item.text).map((reasoning_content) => ({ reasoning_content })));
    if (item.type === "tool") {
      const index = toolIndex++;
      out.push({
        tool_calls: [{ index, id: item.id, type: "function", function: { name: item.name, arguments: "" } }],
      });
      out.push(...argChunks(item.args).map((args) => ({ tool_calls: [{ index, function: { arguments: args } }] })));
    }
  }
  return out;
}

/** OpenAI's error shape, shared by chat completions and responses. */
export function openaiErrorBody(status: number, message: string): unknown {
  return {
    error: { message, type: status === 429 ? "rate_limit_exceeded" : "api_error", param: null, code: String(status) },
  };
}

export const openaiChat: WireFormat = {
  name: "openai-chat",
  handles: (pathname) => pathname.endsWith("/chat/completions"),
  isStream: (_pathname, body) => body.stream === true,
  model: (_pathname, body) => String(body.model ?? ""),
  prompt,

  stream(reply) {
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): SseEvent => ({
      data: {
        id: `chatcmpl-${reply.id}`,
        object: "chat.completion.chunk",
        created: reply.created,
        model: reply.model,
        choices,
        ...extra,
      },
    });
    const events = deltas(reply).map((delta) => chunk([{ index: 0, delta, finish_reason: null }]));
    // As OpenAI does with `stream_options.include_usage`: usage arrives in a last chunk with no choices.
    const finish = [
      chunk([{ index: 0, delta: {}, finish_reason: finishReason(reply) }]),
      chunk([], { usage: usage(reply) }),
      { data: "[DONE]" },
    ];
    return { events, finish };
  },

  json(reply) {
    const text = reply.items.flatMap((item) => (item.type === "text" ? [item.text] : [])).join("");
    const reasoning = reply.items.flatMap((item) => (item.type === "reasoning" ? [item.text] : [])).join("");
    const toolCalls = reply.items.flatMap((item) =>
      item.type === "tool"
        ? [{ id: item.id, type: "function", function: { name: item.name, arguments: item.args } }]
        : [],
    );
    const message = {
      role: "assistant",
      content: text.length > 0 ? text : null,
      ...(reasoning.length > 0 ? { reasoning_content: reasoning } : {}),
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    };
    return {
      id: `chatcmpl-${reply.id}`,
      object: "chat.completion",
      created: reply.created,
      model: reply.model,
      choices: [{ index: 0, message, finish_reason: finishReason(reply) }],
      usage: usage(reply),
    };
  },

  errorBody: openaiErrorBody,
};
