import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** Bytes read per positional read while indexing. */
const READ_BYTES = 1024 * 1024;
/**
 * Bytes of whole lines decoded at a time while scanning: small enough that each string dies young in the
 * garbage collector's nursery instead of piling up as large objects (a 1 MB step doubled the peak RSS).
 */
const SCAN_BYTES = 64 * 1024;

/**
 * A file's lines, addressed by number without holding the file: one streaming pass records the byte offset
 * of every line start (8 bytes a line), and lines are then read back with positional reads. A 200 MB log
 * of 100-byte lines costs ~16 MB of offsets, never the 200 MB.
 */
export class LineIndex {
  /** Byte offset where each line starts, plus the file's size as the end of the last line. */
  private starts: Offsets;
  readonly lineCount: number;
  /** Reused by every scan step (grown for a longer line). */
  private scanBuffer = Buffer.allocUnsafe(SCAN_BYTES);

  private constructor(
    private readonly fd: number,
    readonly bytes: number,
    starts: Offsets,
    lineCount: number,
  ) {
    this.starts = starts;
    this.lineCount = lineCount;
  }

  static open(path: string): LineIndex {
    const fd = openSync(path, "r");
    try {
      const size = fstatSync(fd).size;
      const starts = new Offsets();
      const push = (offset: number) => starts.push(offset);
      if (size > 0) push(0);
      const buffer = Buffer.allocUnsafe(READ_BYTES);
      for (let position = 0; position < size;) {
        const read = readSync(fd, buffer, 0, READ_BYTES, position);
        if (read === 0) break;
        for (let i = buffer.indexOf(10, 0); i >= 0 && i < read; i = buffer.indexOf(10, i + 1)) {
          if (position + i + 1 < size) push(position + i + 1);
        }
        position += read;
      }
      const lineCount = starts.length;
      push(size);
      return new LineIndex(fd, size, starts, lineCount);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Lines [start, end) as strings, without their line breaks. */
  lines(start: number, end: number): string[] {
    const from = Math.max(0, start);
    const to = Math.min(this.lineCount, end);
    if (to <= from) return [];
    return splitLines(this.readRange(this.starts.at(from), this.starts.at(to)));
  }

  /** Bytes of lines [start, end). */
  bytesOf(start: number, end: number): number {
    const from = Math.max(0, Math.min(this.lineCount, start));
    const to = Math.max(from, Math.min(this.lineCount, end));
    return this.starts.at(to) - this.starts.at(from);
  }

  /**
   * Calls `visit` with every line of [start, end) in order, reading 64 kB of whole lines at a time; stops
   * early when `visit` returns false. Memory stays at one read buffer whatever the range.
   */
  scan(visit: (line: string, lineNumber: number) => boolean | void, start = 0, end = this.lineCount): void {
    let line = Math.max(0, start);
    const last = Math.min(this.lineCount, end);
    while (line < last) {
      // As many whole lines as fit a read (at least one, however long).
      let upto = line + 1;
      while (upto < last && this.starts.at(upto + 1) - this.starts.at(line) <= SCAN_BYTES) upto++;
      const from = this.starts.at(line);
      const size = this.starts.at(upto) - from;
      if (size > this.scanBuffer.length) this.scanBuffer = Buffer.allocUnsafe(size);
      const read = this.readInto(this.scanBuffer, size, from);
      for (const text of splitLines(this.scanBuffer.toString("utf8", 0, read))) {
        if (visit(text, line++) === false) return;
      }
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private readRange(from: number, to: number): string {
    const buffer = Buffer.allocUnsafe(to - from);
    return buffer.toString("utf8", 0, this.readInto(buffer, buffer.length, from));
  }

  /** Reads `size` bytes at `position` into the start of `buffer`; returns how many were read. */
  private readInto(buffer: Buffer, size: number, position: number): number {
    let done = 0;
    while (done < size) {
      const read = readSync(this.fd, buffer, done, size - done, position + done);
      if (read === 0) break;
      done += read;
    }
    return done;
  }
}

const BLOCK_BITS = 16;
const BLOCK = 1 << BLOCK_BITS;

/** A growing list of offsets in fixed blocks of 64k entries: growth never copies (a doubled array would). */
class Offsets {
  length = 0;
  private readonly blocks: Float64Array[] = [];

  push(offset: number): void {
    if ((this.length & (BLOCK - 1)) === 0) this.blocks.push(new Float64Array(BLOCK));
    this.blocks.at(-1)![this.length & (BLOCK - 1)] = offset;
    this.length++;
  }

  at(index: number): number {
    return this.blocks[index >> BLOCK_BITS]![index & (BLOCK - 1)]!;
  }
}

/** Text of whole lines → the lines, without their line breaks (\n or \r\n). */
function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}
