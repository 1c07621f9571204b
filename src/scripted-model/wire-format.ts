// The contract each provider's wire format implements; the server only talks to this.
import type { FormatName, PromptText, Reply } from "./script.ts";

/** One server-sent event; `data` is JSON-encoded unless it is already a string (e.g. `[DONE]`). */
export interface SseEvent {
  event?: string;
  data: unknown;
}

export interface StreamedReply {
  /** The content events. */
  events: SseEvent[];
  /** The events that finish the reply (finish reason, usage, end marker); withheld by `hang` turns. */
  finish: SseEvent[];
}

export interface WireFormat {
  name: FormatName;
  /** Whether this format serves the request path (query string excluded). */
  handles(pathname: string): boolean;
  isStream(pathname: string, body: Record<string, unknown>): boolean;
  model(pathname: string, body: Record<string, unknown>): string;
  prompt(body: Record<string, unknown>): PromptText;
  stream(reply: Reply): StreamedReply;
  json(reply: Reply): unknown;
  /** The provider's error body, used when a scripted error gives none. */
  errorBody(status: number, message: string): unknown;
}

export function encodeSse({ event, data }: SseEvent): string {
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  return `${event === undefined ? "" : `event: ${event}\n`}data: ${payload}\n\n`;
}

export function asRecords(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v) => typeof v === "object" && v !== null) : [];
}

export function finishedWithTools(reply: Reply): boolean {
  return reply.items.some((item) => item.type === "tool");
}
