/** What the transcript shows, one entry per printed block. Entries are plain data (easy to test, cheap to keep). */
export type ToolState = "pending" | "running" | "done" | "error";

export interface FileDiff {
  path: string;
  before: string;
  after: string;
}

export type Entry =
  | { id: string; kind: "user"; text: string }
  /** Streamed answers are printed block by block, so one answer may be several entries. */
  | { id: string; kind: "assistant" | "reasoning"; text: string; open: boolean }
  | ToolEntry
  | { id: string; kind: "notice"; level: "info" | "warning" | "error"; text: string };

export interface ToolEntry {
  id: string;
  kind: "tool";
  callId: string;
  tool: string;
  input: unknown;
  state: ToolState;
  title?: string;
  output?: string;
  error?: string;
  diff?: FileDiff;
  /** A command's exit code (bash, `!cmd`): its output is shown, and a non-zero exit is not a success. */
  exitCode?: number | null;
  /** Shown whole instead of its first lines (/expand). */
  expanded?: boolean;
}

let counter = 0;

/** Ids unique in the process (React keys of printed entries). */
export function entryId(): string {
  return `e${++counter}`;
}

export function notice(text: string, level: "info" | "warning" | "error" = "info"): Entry {
  return { id: entryId(), kind: "notice", level, text };
}

/** Whether the entry will not change any more, so it can be printed once into the scrollback. */
export function isSettled(entry: Entry): boolean {
  if (entry.kind === "assistant" || entry.kind === "reasoning") return !entry.open;
  if (entry.kind === "tool") return entry.state === "done" || entry.state === "error";
  return true;
}
