import { boundaryStrength, type ContentType } from "./content-type.ts";
import type { Corpus } from "./corpus.ts";

/** A range of lines [start, end) and its estimated tokens. */
export interface ChunkRange {
  start: number;
  end: number;
  tokens: number;
}

/** ~4 characters a token (the estimate the rest of the agent budgets with). */
export function lineTokens(line: string): number {
  return Math.ceil((line.length + 1) / 4);
}

/**
 * Splits lines [start, end) into chunks of at most `maxTokens`, each cut where the next one starts on the
 * content's natural boundary (a symbol, a log entry, a turn, a section) when one lies in the second half of
 * the chunk, else after a blank line, else where the budget runs out. Streams: only line sizes are kept.
 */
export function planChunks(
  corpus: Corpus,
  type: ContentType,
  maxTokens: number,
  start = 0,
  end = corpus.lineCount,
): ChunkRange[] {
  const chunks: ChunkRange[] = [];
  let chunkStart = start;
  /** Tokens of each line of the open chunk. */
  let sizes: number[] = [];
  let total = 0;
  let strong = -1;
  let weak = -1;
  const cut = (at: number) => {
    const kept = sizes.slice(0, at - chunkStart);
    chunks.push({ start: chunkStart, end: at, tokens: kept.reduce((a, b) => a + b, 0) });
    sizes = sizes.slice(at - chunkStart);
    total = sizes.reduce((a, b) => a + b, 0);
    chunkStart = at;
    if (strong <= at) strong = -1;
    if (weak <= at) weak = -1;
  };
  const halfway = () => chunkStart + Math.max(1, Math.floor(sizes.length / 2));
  corpus.scan(
    (line, n) => {
      const tokens = lineTokens(line);
      if (total + tokens > maxTokens && sizes.length > 0) {
        if (strong >= halfway()) cut(strong);
        else if (weak >= halfway()) cut(weak);
        else cut(n);
        // What stayed open after a boundary cut may still leave no room for this line.
        if (total + tokens > maxTokens && sizes.length > 0) cut(n);
      }
      const strength = boundaryStrength(type, line);
      if (strength === 2 && n > chunkStart) strong = n;
      if (strength === 1 && n + 1 > chunkStart) weak = n + 1;
      sizes.push(tokens);
      total += tokens;
    },
    start,
    end,
  );
  if (sizes.length > 0) cut(chunkStart + sizes.length);
  return chunks;
}
