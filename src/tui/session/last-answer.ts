import type { StoredMessage } from "../../contracts/agent-events.ts";

/** The text of the last answer among a session's messages (for /copy). */
export function lastAnswerOf(messages: StoredMessage[]): string | undefined {
  for (const { message } of messages.toReversed()) {
    if (message.role !== "assistant") continue;
    const text =
      typeof message.content === "string"
        ? message.content
        : message.content.map((part) => (part.type === "text" ? part.text : "")).join("");
    if (text.trim()) return text.trim();
  }
  return undefined;
}
