// Anthropic Messages API (`/messages`), as used by @ai-sdk/anthropic.
// Each item is a content block: start → deltas → stop; usage is split between message_start and message_delta.
import type { PromptText, Reply, ReplyItem } from "./script.ts";
import { argChunks, partsText, textChunks } from "./script.ts";
import type { SseEvent, WireFormat } from "./wire-format.ts";
import { asRecords, finishedWithTools } from "./wire-format.ts";

type Json = Record<string, unknown>;

function prompt(body: Json): PromptText {
  const users = asRecords(body.messages)
    .filter((m) => m.role === "user")
    .map((m) => partsText(m.content))
    .filter((text) => text.length > 0);
  return { system: partsText(body.system), users };
}

/** A finished content block (non-streaming form). */
function block(item: ReplyItem): Json {
  if (item.type === "text") return { type: "text", text: item.text };
  if (item.type === "reasoning") return { type: "thinking", thinking: item.text, signature: signature(item.text) };
  return { type: "tool_use", id: item.id, name: item.name, input: item.input };
}

/** A stand-in for Anthropic's opaque thinking signature, which clients must echo back. */
function signature(thinking: string): string {
  return Buffer.from(`sig:${thinking.length}`).toString("base64");
}

/** The empty block announced by content_block_start. */
function startBlock(item: ReplyItem): Json {
  if (item.type === "text") return { type: "text", text: "" };
  if (item.type === "reasoning") return { type: "thinking", thinking: "", signature: "" };
  return { type: "tool_use", id: item.id, name: item.name, input: {} };
}

function deltas(item: ReplyItem): Json[] {
  if (item.type === "text") return textChunks(item.text).map((text) => ({ type: "text_delta", text }));
  if (item.type === "reasoning") {
    const thinking = textChunks(item.text).map((text) => ({ type: "thinking_delta", thinking: text }));
    return [...thinking, { type: "signature_delta", signature: signature(item.text) }];
  }
  // The API opens every tool input with an empty partial_json.
  return ["", ...argChunks(item.args)].map((partial_json) => ({ type: "input_json_delta", partial_json }));
}

function stopReason(reply: Reply): string {
  return finishedWithTools(reply) ? "tool_use" : "end_turn";
}

function event(data: Json): SseEvent {
  return { event: String(data.type), data };
}

export const anthropic: WireFormat = {
  name: "anthropic",
  handles: (pathname) => pathname.endsWith("/messages"),
  isStream: (_pathname, body) => body.stream === true,
  model: (_pathname, body) => String(body.model ?? ""),
  prompt,

  stream(reply) {
    const usage = {
      input_tokens: reply.usage.input,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 1,
    };
    const message = {
      id: `msg_${reply.id}`,
      type: "message",
      role: "assistant",
      model: reply.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage,
    };
    const events = [event({ type: "message_start", message }), event({ type: "ping" })];
    reply.items.forEach((item, index) => {
      events.push(event({ type: "content_block_start", index, content_block: startBlock(item) }));
      events.push(...deltas(item).map((delta) => event({ type: "content_block_delta", index, delta })));
      events.push(event({ type: "content_block_stop", index }));
    });
    const finish = [
      event({
        type: "message_delta",
        delta: { stop_reason: stopReason(reply), stop_sequence: null },
        usage: { output_tokens: reply.usage.output },
      }),
      event({ type: "message_stop" }),
    ];
    return { events, finish };
  },

  json: (reply) => ({
    id: `msg_${reply.id}`,
    type: "message",
    role: "assistant",
    model: reply.model,
    content: reply.items.map(block),
    stop_reason: stopReason(reply),
    stop_sequence: null,
    usage: {
      input_tokens: reply.usage.input,
      output_tokens: reply.usage.output,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  }),

  errorBody: (status, message) => ({
    type: "error",
    error: {
      type: status === 429 ? "rate_limit_error" : status === 401 ? "authentication_error" : "api_error",
      message,
    },
  }),
};
