import type { ModelMessage } from "ai";
import type { StoredMessage } from "../contracts/agent-events.ts";
import type { SessionInfo } from "./store.ts";

/** Tool output beyond this many characters is cut in the transcript (it is in the session for --format json). */
const MAX_TOOL_OUTPUT = 2000;

/** A session as Markdown for people: its details, then each turn's text, tool calls and their results. */
export function sessionMarkdown(session: SessionInfo, messages: StoredMessage[]): string {
  const lines = [
    `# ${session.title || "(untitled)"}`,
    "",
    `- session: ${session.id}`,
    `- directory: ${session.directory}`,
    `- model: ${session.model} · agent: ${session.agent}`,
    `- created: ${new Date(session.createdAt).toISOString()} · updated: ${new Date(session.updatedAt).toISOString()}`,
    `- tokens: ${session.inputTokens} in, ${session.outputTokens} out${session.cost ? ` · cost: $${session.cost.toFixed(4)}` : ""}`,
    "",
  ];
  for (const stored of messages) {
    const body = messageMarkdown(stored.message);
    if (!body) continue;
    const heading = stored.kind === "summary" ? "Summary of earlier turns" : titleOf(stored.message.role);
    lines.push(`## ${heading}`, "", body, "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

function titleOf(role: ModelMessage["role"]): string {
  return role === "user" ? "User" : role === "assistant" ? "Assistant" : role === "tool" ? "Tool results" : "System";
}

function messageMarkdown(message: ModelMessage): string {
  if (typeof message.content === "string") return message.content.trim();
  const parts: string[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case "text":
        if (part.text.trim()) parts.push(part.text.trim());
        break;
      case "tool-call":
        parts.push(`**→ ${part.toolName}**\n\n${fenced(JSON.stringify(part.input, null, 2), "json")}`);
        break;
      case "tool-result":
        parts.push(`**← ${part.toolName}**\n\n${fenced(clip(outputText(part.output)))}`);
        break;
      case "image":
      case "file":
        parts.push(`*(attachment: ${"filename" in part && part.filename ? part.filename : part.type})*`);
        break;
    }
  }
  return parts.join("\n\n");
}

function outputText(output: unknown): string {
  if (output && typeof output === "object" && "value" in output) {
    const value = (output as { value: unknown }).value;
    return typeof value === "string" ? value : JSON.stringify(value, null, 2);
  }
  return JSON.stringify(output);
}

function clip(text: string): string {
  return text.length > MAX_TOOL_OUTPUT ? `${text.slice(0, MAX_TOOL_OUTPUT)}\n… (${text.length} characters)` : text;
}

/** A code fence longer than any backtick run inside, so the text cannot end it early. */
function fenced(text: string, language = ""): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}
