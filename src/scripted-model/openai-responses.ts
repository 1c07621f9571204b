// OpenAI Responses API (`/responses`), the default of @ai-sdk/openai's `provider(id)`.
// Each output item streams as output_item.added → deltas → output_item.done; reasoning is a summary.
import type { PromptText, Reply, ReplyItem } from "./script.ts";
import { argChunks, partsText, textChunks } from "./script.ts";
import type { SseEvent, WireFormat } from "./wire-format.ts";
import { asRecords } from "./wire-format.ts";
import { openaiErrorBody } from "./openai-chat.ts";

type Json = Record<string, unknown>;

function prompt(body: Json): PromptText {
  const input = typeof body.input === "string" ? [{ role: "user", content: body.input }] : asRecords(body.input);
  const textOf = (role: string) =>
    input.filter((m) => m.role === role).map((m) => partsText(m.content, ["input_text", "text"]));
  const instructions = typeof body.instructions === "string" ? [body.instructions] : [];
  return {
    system: [...instructions, ...textOf("system"), ...textOf("developer")].join("\n"),
    users: textOf("user").filter((text) => text.length > 0),
  };
}

/** The item id the API would give, e.g. `msg_3_0`. */
function itemId(reply: Reply, index: number, item: ReplyItem): string {
  const prefix = { text: "msg", reasoning: "rs", tool: "fc" }[item.type];
  return `${prefix}_${reply.id}_${index}`;
}

/** An output item in its finished form (as in output_item.done and the final response). */
function doneItem(item: ReplyItem, id: string): Json {
  if (item.type === "text") {
    return {
      type: "message",
      id,
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: item.text, annotations: [] }],
    };
  }
  if (item.type === "reasoning") return { type: "reasoning", id, summary: [{ type: "summary_text", text: item.text }] };
  return { type: "function_call", id, call_id: item.id, name: item.name, arguments: item.args, status: "completed" };
}

/** The item as announced by output_item.added, before any content. */
function addedItem(item: ReplyItem, id: string): Json {
  if (item.type === "text") return { type: "message", id, status: "in_progress", role: "assistant", content: [] };
  if (item.type === "reasoning") return { type: "reasoning", id, summary: [] };
  return { type: "function_call", id, call_id: item.id, name: item.name, arguments: "", status: "in_progress" };
}

/** The events between output_item.added and output_item.done. */
function contentEvents(item: ReplyItem, item_id: string, output_index: number): Json[] {
  if (item.type === "text") {
    const part = { type: "output_text", text: "", annotations: [] };
    return [
      { type: "response.content_part.added", item_id, output_index, content_index: 0, part },
      ...textChunks(item.text).map((delta) => ({
        type: "response.output_text.delta",
        item_id,
        output_index,
        content_index: 0,
        delta,
        logprobs: [],
      })),
      { type: "response.output_text.done", item_id, output_index, content_index: 0, text: item.text, logprobs: [] },
      {
        type: "response.content_part.done",
        item_id,
        output_index,
        content_index: 0,
        part: { ...part, text: item.text },
      },
    ];
  }
  if (item.type === "reasoning") {
    const part = { type: "summary_text", text: "" };
    return [
      { type: "response.reasoning_summary_part.added", item_id, output_index, summary_index: 0, part },
      ...textChunks(item.text).map((delta) => ({
        type: "response.reasoning_summary_text.delta",
        item_id,
        output_index,
        summary_index: 0,
        delta,
      })),
      { type: "response.reasoning_summary_text.done", item_id, output_index, summary_index: 0, text: item.text },
      {
        type: "response.reasoning_summary_part.done",
        item_id,
        output_index,
        summary_index: 0,
        part: { ...part, text: item.text },
      },
    ];
  }
  return [
    ...argChunks(item.args).map((delta) => ({
      type: "response.function_call_arguments.delta",
      item_id,
      output_index,
      delta,
    })),
    { type: "response.function_call_arguments.done", item_id, output_index, arguments: item.args },
  ];
}

function response(reply: Reply, status: "in_progress" | "completed"): Json {
  const done = status === "completed";
  const { input, output } = reply.usage;
  return {
    id: `resp_${reply.id}`,
    object: "response",
    created_at: reply.created,
    model: reply.model,
    status,
    output: done ? reply.items.map((item, i) => doneItem(item, itemId(reply, i, item))) : [],
    usage: done
      ? {
          input_tokens: input,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: output,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: input + output,
        }
      : null,
  };
}

/** Numbers the events and names them, as the API's SSE stream does. */
function toSse(events: Json[], firstSequence: number): SseEvent[] {
  return events.map((data, i) => ({ event: String(data.type), data: { ...data, sequence_number: firstSequence + i } }));
}

export const openaiResponses: WireFormat = {
  name: "openai-responses",
  handles: (pathname) => pathname.endsWith("/responses"),
  isStream: (_pathname, body) => body.stream === true,
  model: (_pathname, body) => String(body.model ?? ""),
  prompt,

  stream(reply) {
    const body: Json[] = [
      { type: "response.created", response: response(reply, "in_progress") },
      { type: "response.in_progress", response: response(reply, "in_progress") },
    ];
    reply.items.forEach((item, output_index) => {
      const id = itemId(reply, output_index, item);
      body.push({ type: "response.output_item.added", output_index, item: addedItem(item, id) });
      body.push(...contentEvents(item, id, output_index));
      body.push({ type: "response.output_item.done", output_index, item: doneItem(item, id) });
    });
    const finish = [{ type: "response.completed", response: response(reply, "completed") }];
    return { events: toSse(body, 0), finish: toSse(finish, body.length) };
  },

  json: (reply) => response(reply, "completed"),

  errorBody: openaiErrorBody,
};
