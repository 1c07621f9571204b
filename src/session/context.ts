import type { ModelMessage, ToolResultPart } from "ai";
import type { StoredMessage } from "../contracts/agent-events.ts";

/** The messages the model sees: the latest summary (if any) and everything after what it summarises. */
export function modelContext(stored: StoredMessage[]): ModelMessage[] {
  const summary = stored.findLast((m) => m.kind === "summary");
  if (!summary) return withToolResults(stored.map((m) => m.message));
  const after = stored.filter((m) => m.kind === "message" && m.seq > (summary.summarizes ?? 0));
  return withToolResults([summary.message, ...after.map((m) => m.message)]);
}

/** The conversation as a person reads it: every message, no summaries. */
export function transcript(stored: StoredMessage[]): ModelMessage[] {
  return stored.filter((m) => m.kind === "message").map((m) => m.message);
}

/**
 * Every tool call answered: a process that died between storing a step's calls and their results
 * (killed, out of memory, a second Ctrl+C) left calls without results, which providers refuse — the
 * session could never be resumed. Such calls get an "interrupted" result right after their message.
 */
function withToolResults(messages: ModelMessage[]): ModelMessage[] {
  const answered = new Set(
    messages.flatMap((m) =>
      m.role === "tool" ? m.content.filter((p) => p.type === "tool-result").map((p) => p.toolCallId) : [],
    ),
  );
  const repaired: ModelMessage[] = [];
  let missing: ToolResultPart[] = [];
  for (const message of messages) {
    // Results stored for some of the calls follow in one tool message: the missing ones join it.
    if (missing.length)
      repaired.push(
        message.role === "tool"
          ? { ...message, content: [...message.content, ...missing] }
          : { role: "tool", content: missing },
      );
    if (!(missing.length && message.role === "tool")) repaired.push(message);
    missing = [];
    if (message.role !== "assistant" || typeof message.content === "string") continue;
    missing = message.content
      .filter((part) => part.type === "tool-call" && !answered.has(part.toolCallId))
      .map((part) => {
        const call = part as { toolCallId: string; toolName: string };
        return {
          type: "tool-result",
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          output: { type: "error-text", value: "interrupted: the run stopped before this call finished" },
        };
      });
  }
  if (missing.length) repaired.push({ role: "tool", content: missing });
  return repaired;
}
