import { statSync } from "node:fs";
import { ReadHandles } from "./read-handles.ts";
import { listSegments, segmentPath } from "./segment-files.ts";
import { readLineAt, scanPresentLines } from "./segment-reader.ts";
import type { LogPosition, RawEntry } from "./types.ts";

/**
 * A read-only view of a log directory that another process may be writing: no lock, no recovery.
 * It sees only complete lines; unparsable lines at the very end of the newest segment are the torn
 * tail of a crashed or in-progress write (never acknowledged), so they are left out.
 */
export class LogReader {
  private readonly handles = new ReadHandles();

  constructor(readonly dir: string) {}

  segments(): number[] {
    return listSegments(this.dir);
  }

  /** Position just past the newest complete bytes (the newest segment's current size). */
  end(): LogPosition {
    const segment = this.segments().at(-1);
    return segment === undefined
      ? { segment: 0, offset: 0 }
      : { segment, offset: statSync(segmentPath(this.dir, segment)).size };
  }

  async *rawEntries(from: LogPosition = { segment: 0, offset: 0 }): AsyncGenerator<RawEntry> {
    const segments = this.segments();
    const newest = segments.at(-1);
    for (const segment of segments) {
      if (segment < from.segment) continue;
      const lines = scanPresentLines(
        segmentPath(this.dir, segment),
        segment,
        segment === from.segment ? from.offset : 0,
      );
      if (segment !== newest) yield* lines;
      else yield* withoutTornTail(lines);
    }
  }

  /** One record's bytes (without its newline) by position. */
  readRaw(position: LogPosition & { length?: number }): Promise<Buffer> {
    const { segment, offset, length } = position;
    return this.handles.use(segmentPath(this.dir, segment), (handle) => readLineAt(handle, segment, offset, length));
  }

  close(): Promise<void> {
    return this.handles.closeAll();
  }
}

/** Holds unparsable lines back until a good line follows; those still held at the end are the torn tail. */
async function* withoutTornTail(lines: AsyncIterable<RawEntry>): AsyncGenerator<RawEntry> {
  const held: RawEntry[] = [];
  for await (const line of lines) {
    if (!parses(line.bytes)) {
      held.push(line);
      continue;
    }
    yield* held.splice(0);
    yield line;
  }
}

function parses(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString("utf8"));
    return true;
  } catch {
    return false;
  }
}
