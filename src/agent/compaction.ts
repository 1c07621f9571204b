import { generateText, type ModelMessage } from "ai";
import type { ResolvedModel } from "../provider/resolve.ts";
import type { StoredMessage } from "../contracts/agent-events.ts";
import { modelContext } from "../session/context.ts";
import summarizePrompt from "./prompt/summarize.txt";

const PRUNED = "[old tool output cleared to save context]";
const PRUNE_MIN_CHARS = 200;
/** The newest tool results are never pruned: the model is usually still working with them. */
const KEEP_TOOL_MESSAGES = 4;

/** Rough token estimate: ~4 characters a token, as the peers use for budgeting. */
export function estimateTokens(value: unknown): number {
  return Math.ceil((typeof value === "string" ? value.length : JSON.stringify(value).length) / 4);
}

/** What every request carries besides the conversation: the system prompt and the tools' descriptions. */
export function fixedTokens(system: string, tools: ReadonlyArray<{ description: string }>): number {
  return estimateTokens(system) + estimateTokens(tools.map((t) => t.description));
}

/** The context a stored conversation's next request carries, estimated: what every request holds and what the model sees. */
export function estimatedContext(
  system: string,
  tools: ReadonlyArray<{ description: string }>,
  stored: StoredMessage[],
): number {
  return fixedTokens(system, tools) + estimateTokens(modelContext(stored));
}

/** Tokens of context the conversation may use before compaction kicks in (keeps room for the answer). */
export function usableTokens(contextWindow: number): number {
  return contextWindow - Math.min(20_000, Math.floor(contextWindow * 0.25));
}

/** Replaces all but the newest tool outputs with a marker; returns the new list and how many were cut. */
export function pruneToolOutputs(messages: ModelMessage[]): { messages: ModelMessage[]; pruned: number } {
  const toolIndexes = messages.flatMap((m, i) => (m.role === "tool" ? [i] : []));
  const keepFrom = toolIndexes.at(-KEEP_TOOL_MESSAGES) ?? 0;
  let pruned = 0;
  const out = messages.map((message, index) => {
    if (index >= keepFrom || message.role !== "tool") return message;
    return {
      ...message,
      content: message.content.map((part) => {
        if (part.type !== "tool-result" || part.output.type !== "text" || part.output.value.length < PRUNE_MIN_CHARS)
          return part;
        pruned++;
        return { ...part, output: { type: "text" as const, value: PRUNED } };
      }),
    };
  });
  return { messages: out, pruned };
}

/**
 * Summarises everything before the latest turns with the model: the summary message to store, which then
 * stands in for the messages up to seq `summarizes` in the model's context. Undefined when there is
 * nothing to fold.
 */
export async function summarizeOlderTurns(
  model: ResolvedModel,
  stored: StoredMessage[],
  tailTurns: number,
  signal: AbortSignal,
): Promise<{ message: ModelMessage; summarizes: number } | undefined> {
  const summary = stored.findLast((m) => m.kind === "summary");
  const live = stored.filter((m) => m.kind === "message" && m.seq > (summary?.summarizes ?? 0));
  const tailStart = tailStartIndex(
    live.map((m) => m.message),
    tailTurns,
  );
  if (tailStart <= 0) return undefined;
  const folded = live.slice(0, tailStart);
  const input = [...(summary ? [summary.message] : []), ...pruneToolOutputs(folded.map((m) => m.message)).messages];
  const { text } = await generateText({
    model: model.language,
    system: summarizePrompt,
    messages: [...input, { role: "user", content: "Summarise the conversation above as instructed." }],
    abortSignal: signal,
    maxRetries: 2,
  });
  return {
    message: { role: "user", content: `Summary of the earlier conversation:\n${text}` },
    summarizes: folded.at(-1)!.seq,
  };
}

/** Index of the first message of the latest `tailTurns` user turns (0 when there are fewer turns). */
function tailStartIndex(messages: ModelMessage[], tailTurns: number): number {
  let turns = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === "user" && ++turns === tailTurns) return i;
  }
  return 0;
}
