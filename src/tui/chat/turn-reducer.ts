import { exitCodeOf } from "../../util/output-preview.ts";
import type { AgentEvent } from "../../contracts/agent-events.ts";
import { entryId, isSettled, notice, type Entry, type FileDiff, type ToolEntry } from "./entries.ts";

/** The part of a turn still changing (`live`) and the entries that just settled, ready to print (`settled`). */
export interface TurnUpdate {
  live: Entry[];
  settled: Entry[];
}

/**
 * Folds one agent event into the live entries of the running turn, then moves the leading entries that
 * can no longer change out to be printed. Long answers are printed block by block (at blank lines
 * outside code fences), so the live region stays a few lines tall and the terminal never redraws the
 * whole screen.
 */
export function reduceTurn(live: Entry[], event: AgentEvent): TurnUpdate {
  return settle(apply(live, event));
}

function apply(live: Entry[], event: AgentEvent): Entry[] {
  switch (event.type) {
    case "text-delta":
      return appendText(live, "assistant", event.text);
    case "reasoning-delta":
      return appendText(live, "reasoning", event.text);
    case "tool-pending":
      return [
        ...closeText(live),
        { id: entryId(), kind: "tool", callId: event.callId, tool: event.tool, input: event.input, state: "pending" },
      ];
    case "tool-running":
      return updateTool(closeText(live), event.callId, { state: "running", input: event.input }, () =>
        newTool(event.callId, event.tool, event.input),
      );
    case "tool-completed":
      return updateTool(
        live,
        event.callId,
        {
          state: "done",
          title: event.title,
          output: event.output,
          diff: diffOf(event.metadata),
          exitCode: exitCodeOf(event.metadata),
        },
        () => newTool(event.callId, event.tool, undefined),
      );
    case "tool-error":
      return updateTool(live, event.callId, { state: "error", error: event.error }, () =>
        newTool(event.callId, event.tool, undefined),
      );
    case "error":
      return [...closeText(live), notice(event.message, "error")];
    case "compaction":
      return [
        ...closeText(live),
        notice(
          `compacted the context: ${event.pruned} old tool outputs cleared${event.summarized ? ", older turns summarised" : ""}`,
        ),
      ];
    case "finish":
      return [...closeText(live), ...(event.reason === "aborted" ? [notice("interrupted", "warning")] : [])];
    default:
      return live;
  }
}

function appendText(live: Entry[], kind: "assistant" | "reasoning", text: string): Entry[] {
  const last = live.at(-1);
  if (last?.kind === kind && last.open) return [...live.slice(0, -1), { ...last, text: last.text + text }];
  return [...closeText(live), { id: entryId(), kind, text, open: true }];
}

/** Closes the open text entry at the end, if any (another kind of event follows it). */
function closeText(live: Entry[]): Entry[] {
  const last = live.at(-1);
  if ((last?.kind === "assistant" || last?.kind === "reasoning") && last.open)
    return [...live.slice(0, -1), { ...last, open: false }];
  return live;
}

function newTool(callId: string, tool: string, input: unknown): ToolEntry {
  return { id: entryId(), kind: "tool", callId, tool, input, state: "pending" };
}

function updateTool(live: Entry[], callId: string, change: Partial<ToolEntry>, create: () => ToolEntry): Entry[] {
  const index = live.findIndex((e) => e.kind === "tool" && e.callId === callId);
  const defined = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
  if (index < 0) return [...live, { ...create(), ...defined }];
  return live.map((e, i) => (i === index ? ({ ...e, ...defined } as ToolEntry) : e));
}

function diffOf(metadata: Record<string, unknown> | undefined): FileDiff | undefined {
  if (!metadata) return undefined;
  const { path, before, after } = metadata;
  if (typeof path === "string" && typeof before === "string" && typeof after === "string")
    return { path, before, after };
  return undefined;
}

function settle(live: Entry[]): TurnUpdate {
  const settled: Entry[] = [];
  let rest = live;
  while (rest.length > 0) {
    const head = rest[0]!;
    if (isSettled(head)) {
      settled.push(head);
      rest = rest.slice(1);
      continue;
    }
    if (head.kind === "assistant") {
      const split = completedBlocks(head.text);
      if (split > 0) {
        settled.push({ ...head, text: head.text.slice(0, split).trimEnd(), open: false });
        rest = [{ ...head, id: entryId(), text: head.text.slice(split) }, ...rest.slice(1)];
      }
    }
    break;
  }
  return { live: rest, settled };
}

/**
 * Length of the leading part of streamed markdown made of finished blocks: everything up to the last
 * blank line that is outside a code fence (0 when there is none yet).
 */
export function completedBlocks(text: string): number {
  let inFence = false;
  let offset = 0;
  let split = 0;
  const lines = text.split("\n");
  // The last line may still be growing, so it never ends a block.
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i]!;
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    offset += line.length + 1;
    if (!inFence && line.trim() === "" && offset > 1) split = offset;
  }
  return text.slice(0, split).trim() ? split : 0;
}
