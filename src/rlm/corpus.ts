import { LineIndex } from "./line-index.ts";

/** One input of an RLM run: a file (or a temporary copy of stdin or text) and the name to show for it. */
export interface CorpusSource {
  name: string;
  path: string;
}

interface Segment {
  /** Global number of this segment's first line. */
  first: number;
  /** The `=== name ===` line that opens a file when there are several; none for a single input. */
  header?: string;
  index: LineIndex;
}

/**
 * The content of an RLM run as one sequence of numbered lines (0-based) over one or more files, each opened
 * through a LineIndex: nothing of the content is held in memory beyond what a call reads.
 */
export class Corpus {
  readonly lineCount: number;
  readonly bytes: number;

  private constructor(private readonly segments: Segment[]) {
    const last = segments.at(-1);
    this.lineCount = last ? last.first + (last.header ? 1 : 0) + last.index.lineCount : 0;
    this.bytes = segments.reduce((n, s) => n + s.index.bytes, 0);
  }

  static open(sources: CorpusSource[]): Corpus {
    const segments: Segment[] = [];
    let first = 0;
    try {
      for (const source of sources) {
        const index = LineIndex.open(source.path);
        const header = sources.length > 1 ? `=== ${source.name} ===` : undefined;
        segments.push({ first, header, index });
        first += (header ? 1 : 0) + index.lineCount;
      }
    } catch (error) {
      for (const segment of segments) segment.index.close();
      throw error;
    }
    return new Corpus(segments);
  }

  /** Lines [start, end). */
  lines(start: number, end: number): string[] {
    const out: string[] = [];
    this.scan((line) => void out.push(line), start, end);
    return out;
  }

  /** Approximate bytes of lines [start, end) (headers not counted). */
  bytesOf(start: number, end: number): number {
    let total = 0;
    for (const segment of this.segments) {
      const offset = segment.first + (segment.header ? 1 : 0);
      total += segment.index.bytesOf(start - offset, end - offset);
    }
    return total;
  }

  /** Visits lines [start, end) in order, streaming; `visit` returning false stops the scan. */
  scan(visit: (line: string, lineNumber: number) => boolean | void, start = 0, end = this.lineCount): void {
    let stopped = false;
    for (const segment of this.segments) {
      if (stopped) return;
      const offset = segment.first + (segment.header ? 1 : 0);
      const segmentEnd = offset + segment.index.lineCount;
      if (segmentEnd <= start || segment.first >= end) continue;
      if (segment.header && start <= segment.first && visit(segment.header, segment.first) === false) return;
      segment.index.scan(
        (line, n) => {
          if (visit(line, n + offset) === false) {
            stopped = true;
            return false;
          }
        },
        start - offset,
        end - offset,
      );
    }
  }

  close(): void {
    for (const segment of this.segments) segment.index.close();
  }
}
