import type { ModelMessage } from "ai";
import type { StoredMessage } from "./store.ts";

/** The messages the model sees: the latest summary (if any) and everything after what it summarises. */
export function modelContext(stored: StoredMessage[]): ModelMessage[] {
  const summary = stored.findLast((m) => m.kind === "summary");
  if (!summary) return stored.map((m) => m.message);
  const after = stored.filter((m) => m.kind === "message" && m.seq > (summary.summarizes ?? 0));
  return [summary.message, ...after.map((m) => m.message)];
}

/** The conversation as a person reads it: every message, no summaries. */
export function transcript(stored: StoredMessage[]): ModelMessage[] {
  return stored.filter((m) => m.kind === "message").map((m) => m.message);
}
