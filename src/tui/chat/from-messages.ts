import type { ModelMessage } from "ai";
import { entryId, type Entry, type ToolEntry } from "./entries.ts";

/** Rebuilds the transcript of a stored session (resume, /refresh) from its messages. */
export function entriesFromMessages(messages: ModelMessage[]): Entry[] {
  const entries: Entry[] = [];
  const tools = new Map<string, ToolEntry>();
  for (const message of messages) {
    if (message.role === "user") {
      entries.push({ id: entryId(), kind: "user", text: withoutAttachments(textOf(message.content)) });
    } else if (message.role === "assistant") {
      if (typeof message.content === "string") {
        if (message.content) entries.push({ id: entryId(), kind: "assistant", text: message.content, open: false });
        continue;
      }
      for (const part of message.content) {
        if (part.type === "text" && part.text)
          entries.push({ id: entryId(), kind: "assistant", text: part.text, open: false });
        if (part.type === "reasoning" && part.text)
          entries.push({ id: entryId(), kind: "reasoning", text: part.text, open: false });
        if (part.type === "tool-call") {
          const entry: ToolEntry = {
            id: entryId(),
            kind: "tool",
            callId: part.toolCallId,
            tool: part.toolName,
            input: part.input,
            state: "done",
          };
          tools.set(part.toolCallId, entry);
          entries.push(entry);
        }
      }
    } else if (message.role === "tool") {
      for (const part of message.content) {
        if (part.type !== "tool-result") continue;
        const entry = tools.get(part.toolCallId);
        if (!entry) continue;
        const output = part.output;
        if (output.type === "error-text" || output.type === "error-json") {
          entry.state = "error";
          entry.error = typeof output.value === "string" ? output.value : JSON.stringify(output.value);
        } else if (output.type === "text") {
          entry.output = output.value;
        }
      }
    }
  }
  return entries;
}

function textOf(content: ModelMessage["content"]): string {
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/** The prompt as typed: `@path` mentions were sent with the files appended, which the transcript leaves out. */
function withoutAttachments(text: string): string {
  const at = text.search(/\n\n<file path="/);
  return at < 0 ? text : text.slice(0, at);
}
