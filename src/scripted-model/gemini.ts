// Google Gemini (`/models/{model}:generateContent` and `:streamGenerateContent?alt=sse`), as used by @ai-sdk/google.
// Gemini streams whole parts: text in pieces, reasoning as `thought: true` text, each functionCall in one part.
import type { PromptText, Reply, ReplyItem } from "./script.ts";
import { textChunks } from "./script.ts";
import type { WireFormat } from "./wire-format.ts";
import { asRecords } from "./wire-format.ts";

type Json = Record<string, unknown>;

const PATH = /\/models\/(.+):(stream)?generateContent$/i;

function prompt(body: Json): PromptText {
  const instruction = body.systemInstruction as Json | undefined;
  const users = asRecords(body.contents)
    .filter((c) => c.role === "user")
    .map((c) => partsText(c.parts))
    .filter((text) => text.length > 0);
  return { system: partsText(instruction?.parts), users };
}

/** Joins text parts; Gemini parts carry no `type`, and function responses have no `text`. */
function partsText(parts: unknown): string {
  return asRecords(parts)
    .map((part) => (typeof part.text === "string" ? part.text : ""))
    .join("");
}

/** The parts of an item, split as they are streamed. */
function parts(item: ReplyItem): Json[] {
  if (item.type === "text") return textChunks(item.text).map((text) => ({ text }));
  if (item.type === "reasoning") return textChunks(item.text).map((text) => ({ text, thought: true }));
  return [{ functionCall: { id: item.id, name: item.name, args: item.input } }];
}

/** An item as one whole part, as the non-streaming API returns it. */
function wholeParts(item: ReplyItem): Json[] {
  if (item.type === "text") return [{ text: item.text }];
  if (item.type === "reasoning") return [{ text: item.text, thought: true }];
  return parts(item);
}

function usageMetadata(reply: Reply): Json {
  const { input, output } = reply.usage;
  return { promptTokenCount: input, candidatesTokenCount: output, totalTokenCount: input + output };
}

/** One response object; the streaming API sends a sequence of them. Gemini says STOP even after function calls. */
function chunk(reply: Reply, candidate: Json, usage: Json): Json {
  return {
    candidates: [{ index: 0, ...candidate }],
    usageMetadata: usage,
    modelVersion: reply.model,
    responseId: `gemini_${reply.id}`,
  };
}

export const gemini: WireFormat = {
  name: "gemini",
  handles: (pathname) => PATH.test(pathname),
  isStream: (pathname) => /:streamGenerateContent$/i.test(pathname),
  model: (pathname) => PATH.exec(pathname)?.[1] ?? "",
  prompt,

  stream(reply) {
    // Until the last chunk only the prompt is counted, as the live API reports it.
    const promptOnly = { promptTokenCount: reply.usage.input, totalTokenCount: reply.usage.input };
    const events = reply.items.flatMap(parts).map((part) => ({
      data: chunk(reply, { content: { role: "model", parts: [part] } }, promptOnly),
    }));
    const finish = [{ data: chunk(reply, { finishReason: "STOP" }, usageMetadata(reply)) }];
    return { events, finish };
  },

  json: (reply) =>
    chunk(
      reply,
      { content: { role: "model", parts: reply.items.flatMap(wholeParts) }, finishReason: "STOP" },
      usageMetadata(reply),
    ),

  errorBody: (status, message) => ({
    error: {
      code: status,
      message,
      status: status === 429 ? "RESOURCE_EXHAUSTED" : status === 401 ? "UNAUTHENTICATED" : "INTERNAL",
    },
  }),
};
