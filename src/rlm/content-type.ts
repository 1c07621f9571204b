import type { Corpus } from "./corpus.ts";

const CONTENT_TYPES = ["code", "logs", "conversation", "documents"] as const;
/** What the content is; `mixed` when no kind reaches the share that decides. */
export type ContentType = (typeof CONTENT_TYPES)[number] | "mixed";

const SAMPLE_LINES = 200;
/** A kind wins when more than this share of the sampled lines look like it. */
const WINNING_SHARE = 0.3;

const TIMESTAMP =
  /^\s*\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\d{2}:\d{2}:\d{2}[.,\d]*\s|[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2})/;
const LEVEL = /\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL)\b/;
const SPEAKER = /^\s*(?:[#>*\s]*)(user|assistant|human|ai|system|bot|me|customer|agent)\s*(?:\*\*)?\s*:/i;
const CODE_KEYWORD =
  /^\s*(import|export|from|def|class|function|fn|pub|let|const|var|return|if|else|for|while|#include|package|func|struct|impl|use|interface|type|async|public|private|protected|static|try|catch|throw)\b/;
const CODE_PUNCTUATION = /([{};]|=>|\)\s*:)\s*$|^\s*[})\]]/;
const HEADING = /^\s{0,3}(#{1,6}\s+\S|=+\s*$|-{3,}\s*$)/;

/** Which kind one line looks like, if any (a line counts for one kind: the most specific first). */
function kindOf(line: string): (typeof CONTENT_TYPES)[number] | undefined {
  if (SPEAKER.test(line)) return "conversation";
  if (TIMESTAMP.test(line) || (LEVEL.test(line) && /\d{2}:\d{2}/.test(line))) return "logs";
  if (CODE_KEYWORD.test(line) || CODE_PUNCTUATION.test(line)) return "code";
  if (HEADING.test(line) || isProse(line)) return "documents";
  return undefined;
}

/** A sentence-like line: several words, mostly letters. */
function isProse(line: string): boolean {
  const words = line.trim().split(/\s+/);
  if (words.length < 6) return false;
  const letters = line.replace(/[^\p{L}\s]/gu, "").length;
  return letters / line.length > 0.8;
}

/** The share of lines of each kind among `lines` (blank lines ignored), and the winner. */
function classifyLines(lines: string[]): ContentType {
  const counts = new Map<string, number>();
  let sampled = 0;
  for (const line of lines) {
    if (!line.trim()) continue;
    sampled++;
    const kind = kindOf(line);
    if (kind) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  let best: ContentType = "mixed";
  let bestShare = WINNING_SHARE;
  for (const kind of CONTENT_TYPES) {
    const share = (counts.get(kind) ?? 0) / Math.max(1, sampled);
    if (share > bestShare) {
      best = kind;
      bestShare = share;
    }
  }
  return best;
}

/** Detects the content's kind from up to 200 lines: the first half from its head, the rest from its tail. */
export function detectContentType(corpus: Corpus): ContentType {
  const half = SAMPLE_LINES / 2;
  if (corpus.lineCount <= SAMPLE_LINES) return classifyLines(corpus.lines(0, corpus.lineCount));
  return classifyLines([...corpus.lines(0, half), ...corpus.lines(corpus.lineCount - half, corpus.lineCount)]);
}

/**
 * Where a chunk of this kind may end, strongest first: a line that opens a symbol, a log entry, a turn or a
 * section is a good place to start the next chunk; a blank line is a fair one.
 */
export function boundaryStrength(type: ContentType, line: string): 2 | 1 | 0 {
  const strong =
    type === "code"
      ? /^(export\s+|pub\s+|async\s+|public\s+|private\s+)*(function|class|interface|type|def|fn|impl|struct|enum|func|module|namespace|const \w+ = (async )?\()/.test(
          line,
        )
      : type === "logs"
        ? TIMESTAMP.test(line)
        : type === "conversation"
          ? SPEAKER.test(line)
          : HEADING.test(line);
  if (strong) return 2;
  return line.trim() === "" ? 1 : 0;
}
