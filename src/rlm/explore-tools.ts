import { z } from "zod";
import { defineTool, ToolError, type Tool } from "../contracts/tool.ts";
import type { Corpus } from "./corpus.ts";

/** The most any exploration result puts into the model's context. */
export const MAX_RESULT_CHARS = 8_000;
/** A long line is shown cut to this. */
const MAX_LINE_CHARS = 400;
const MAX_LINES = 500;

/** What the tools do with the model's deeper questions and its answer (the loop provides them). */
export interface ExploreHandlers {
  /** Answers `query` over lines [start, end) with sub-calls of the model; resolves with the combined answers. */
  subQuery(query: string, start: number, end: number, signal: AbortSignal): Promise<string>;
}

/** The tool that ends the loop; the loop takes its `answer` instead of running it. */
export const FINAL_TOOL = "rlm_final";

/**
 * Numbered lines (`123: text`), long lines cut, the whole clamped to MAX_RESULT_CHARS with a note of what was
 * left out; `fromEnd` keeps the last lines instead of the first (a tail).
 */
function numberedLines(lines: Array<[number, string]>, total?: number, fromEnd = false): string {
  const out: string[] = [];
  let chars = 0;
  let shown = 0;
  for (const [n, line] of fromEnd ? [...lines].reverse() : lines) {
    const text = `${n}: ${line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line}`;
    if (chars + text.length + 1 > MAX_RESULT_CHARS) break;
    out.push(text);
    chars += text.length + 1;
    shown++;
  }
  const all = total ?? lines.length;
  if (fromEnd) out.reverse();
  const note = `[${all - shown} more lines not shown; narrow the range or pattern]`;
  if (all > shown) fromEnd ? out.unshift(note) : out.push(note);
  return out.join("\n") || "(no lines)";
}

function compile(pattern: string): RegExp {
  try {
    return new RegExp(pattern, "i");
  } catch (error) {
    throw new ToolError(`invalid pattern: ${(error as Error).message}`);
  }
}

const lineRange = (corpus: Corpus, start: number, end: number): Array<[number, string]> =>
  corpus.lines(start, end).map((line, i): [number, string] => [start + i, line]);

/** The tools the model explores the content with (descriptions kept short: they go into every request). */
export function exploreTools(corpus: Corpus, handlers: ExploreHandlers): Tool[] {
  const count = z.number().int().min(1).max(MAX_LINES);
  const lineNumber = z.number().int().min(0);
  return [
    defineTool({
      name: "rlm_head",
      description: "First n lines of the content, numbered (0-based).",
      kind: "read",
      parameters: z.object({ n: count.optional() }),
      execute: async ({ n = 50 }) => ({ output: numberedLines(lineRange(corpus, 0, n)) }),
    }),
    defineTool({
      name: "rlm_tail",
      description: "Last n lines of the content, numbered.",
      kind: "read",
      parameters: z.object({ n: count.optional() }),
      execute: async ({ n = 50 }) => {
        const start = Math.max(0, corpus.lineCount - n);
        return { output: numberedLines(lineRange(corpus, start, corpus.lineCount), undefined, true) };
      },
    }),
    defineTool({
      name: "rlm_grep",
      description: "Lines matching a regular expression (case-insensitive), numbered, with the total count.",
      kind: "read",
      parameters: z.object({ pattern: z.string().min(1) }),
      execute: async ({ pattern }) => {
        const regex = compile(pattern);
        const matches: Array<[number, string]> = [];
        let total = 0;
        let chars = 0;
        corpus.scan((line, n) => {
          if (!regex.test(line)) return;
          total++;
          if (chars > MAX_RESULT_CHARS) return;
          // A copy: a line is a slice of the 64 kB read it came from and would keep all of it alive.
          const kept = Buffer.from(line.slice(0, MAX_LINE_CHARS + 1)).toString();
          matches.push([n, kept]);
          chars += kept.length;
        });
        if (total === 0) return { output: "no matching lines" };
        return { output: `${total} matching lines\n${numberedLines(matches, total)}` };
      },
    }),
    defineTool({
      name: "rlm_count",
      description: "How many lines match a regular expression (case-insensitive).",
      kind: "read",
      parameters: z.object({ pattern: z.string().min(1) }),
      execute: async ({ pattern }) => {
        const regex = compile(pattern);
        let total = 0;
        corpus.scan((line) => void (regex.test(line) && total++));
        return { output: `${total} of ${corpus.lineCount} lines match` };
      },
    }),
    defineTool({
      name: "rlm_slice",
      description: "Lines start..end-1 (0-based, end exclusive), numbered.",
      kind: "read",
      parameters: z.object({ start: lineNumber, end: lineNumber }),
      execute: async ({ start, end }) => {
        if (end <= start) throw new ToolError(`end (${end}) must be greater than start (${start})`);
        if (start >= corpus.lineCount)
          throw new ToolError(`start ${start} is past the last line (${corpus.lineCount - 1})`);
        return { output: numberedLines(lineRange(corpus, start, Math.min(end, start + MAX_LINES)), end - start) };
      },
    }),
    defineTool({
      name: "rlm_llm_query",
      description:
        "Ask a sub-model a question about lines start..end-1 (default: all), read in chunks; returns its answers. Costly: narrow the range first.",
      kind: "read",
      parameters: z.object({ query: z.string().min(1), start: lineNumber.optional(), end: lineNumber.optional() }),
      execute: async ({ query, start = 0, end = corpus.lineCount }, ctx) => {
        const to = Math.min(end, corpus.lineCount);
        if (to <= start)
          throw new ToolError(`empty range ${start}..${end} (the content has ${corpus.lineCount} lines)`);
        return { output: await handlers.subQuery(query, start, to, ctx.signal) };
      },
    }),
    defineTool({
      name: FINAL_TOOL,
      description: "Give the final answer to the question; ends the exploration.",
      kind: "other",
      parameters: z.object({ answer: z.string().min(1) }),
      execute: async ({ answer }) => ({ output: answer }),
    }),
  ];
}
