import type { AgentEvent } from "../../contracts/agent-events.ts";

/** One row of the inspector: the raw event stream, with text deltas merged so long answers stay one row. */
export interface TimelineItem {
  seq: number;
  at: number;
  type: string;
  summary: string;
  /** The full payload, shown when the row is expanded. */
  detail: string;
}

const MAX_ITEMS = 1000;
const DETAILED_ITEMS = 100;
const MAX_DETAIL = 16 * 1024;
export const DROPPED_DETAIL = `(only the latest ${DETAILED_ITEMS} events keep their payload here; all of them: codetether events replay <session>)`;

/**
 * A bounded log of what happened in the session: the latest rows with their payloads, older ones as
 * one-line summaries, the oldest dropped, so memory stays flat however long the session runs.
 */
export class Timeline {
  private items: TimelineItem[] = [];
  private seq = 0;

  list(): readonly TimelineItem[] {
    return this.items;
  }

  record(type: string, summary: string, detail: unknown = ""): void {
    const text = typeof detail === "string" ? detail : JSON.stringify(detail, null, 2);
    const items = this.items.slice(-(MAX_ITEMS - 1));
    const last = items.at(-1);
    // A finished run of deltas was built by appending to a string, which keeps every piece alive: copy it flat.
    if (last && isDelta(last.type)) items[items.length - 1] = { ...last, detail: flatCopy(last.detail) };
    const leaving = items.length - DETAILED_ITEMS;
    if (leaving >= 0) items[leaving] = { ...items[leaving]!, detail: DROPPED_DETAIL };
    items.push({ seq: ++this.seq, at: Date.now(), type, summary, detail: clip(text) });
    this.items = items;
  }

  recordEvent(event: AgentEvent): void {
    const last = this.items.at(-1);
    if (event.type === "text-delta" || event.type === "reasoning-delta") {
      // A run of deltas is one row whose payload is the text itself.
      if (last?.type !== event.type) return this.record(event.type, summarize(event), event.text);
      const detail = clip(last.detail + event.text);
      this.items = [...this.items.slice(0, -1), { ...last, detail, summary: `${detail.length} chars` }];
      return;
    }
    const { type, ...payload } = event;
    // The answer is already in the text-delta row above; only its length is repeated here.
    if (event.type === "finish")
      this.record(type, summarize(event), { ...payload, text: `${event.text.length} chars` });
    else this.record(type, summarize(event), payload);
  }

  clear(): void {
    this.items = [];
  }
}

function summarize(event: AgentEvent): string {
  switch (event.type) {
    case "text-delta":
    case "reasoning-delta":
      return `${event.text.length} chars`;
    case "tool-pending":
    case "tool-running":
      return `${event.tool} ${event.callId}`;
    case "tool-completed":
      return `${event.tool} ${event.title ?? ""}`.trim();
    case "tool-error":
      return `${event.tool}: ${event.error.split("\n")[0]}`;
    case "usage":
      return `step ${event.step}: ${event.inputTokens} in, ${event.outputTokens} out`;
    case "finish":
      return `${event.reason} after ${event.steps} steps`;
    case "error":
      return event.message.split("\n")[0] ?? "";
    case "retry":
      return `attempt ${event.attempt} in ${event.delayMs} ms: ${event.error}`;
    case "step-start":
      return `step ${event.step}`;
    case "session":
      return `${event.sessionId} ${event.model}`;
    case "compaction":
      return `${event.pruned} pruned${event.summarized ? ", summarised" : ""}`;
    case "message":
      return `${event.message.kind} #${event.message.seq} (${event.message.message.role})`;
  }
}

function isDelta(type: string): boolean {
  return type === "text-delta" || type === "reasoning-delta";
}

/** An exact copy of `text` as one flat string (JSON round trips keep even lone surrogates). */
function flatCopy(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

function clip(text: string): string {
  return text.length > MAX_DETAIL
    ? `${text.slice(0, MAX_DETAIL)}\n[… ${text.length - MAX_DETAIL} more characters]`
    : text;
}
