import type { ModelMessage } from "ai";
import { dataDir } from "../../config/paths.ts";
import { replayTranscript, withEventViews } from "../../events/read-events.ts";
import { painter, printJson } from "../output.ts";

/** `codetether events replay SESSION`: the transcript rebuilt from the event stream. */
export async function replaySession(sessionId: string, options: { json?: boolean }): Promise<void> {
  const messages = await withEventViews(dataDir(), (views) => replayTranscript(views, sessionId));
  if (options.json) return printJson(messages);
  const paint = painter(process.stdout);
  for (const message of messages) process.stdout.write(`${paint("bold", message.role)}: ${describe(message)}\n`);
}

function describe(message: ModelMessage): string {
  if (typeof message.content === "string") return message.content;
  return message.content
    .map((part) => {
      switch (part.type) {
        case "text":
        case "reasoning":
          return part.text;
        case "tool-call":
          return `[tool call ${part.toolName} ${JSON.stringify(part.input)}]`;
        case "tool-result":
          return `[tool result ${part.toolName}: ${JSON.stringify(part.output).slice(0, 200)}]`;
        default:
          return `[${part.type}]`;
      }
    })
    .join("\n");
}
