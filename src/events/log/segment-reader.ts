import { open, type FileHandle } from "node:fs/promises";
import { DamagedLogError } from "./damaged-log.ts";
import type { RawEntry } from "./types.ts";

const NEWLINE = 0x0a;
const SCAN_CHUNK = 64 * 1024;
const FIRST_GUESS = 4 * 1024;

/**
 * The record line starting at `offset` (without its newline), in one or a few positioned reads:
 * the cost depends on the record's size, never on the file's. The byte before `offset` is read too,
 * so that an offset pointing into the middle of a record is refused instead of misread.
 */
export async function readLineAt(
  handle: FileHandle,
  segment: number,
  offset: number,
  length?: number,
): Promise<Buffer> {
  const lead = offset > 0 ? 1 : 0;
  for (let size = (length ?? FIRST_GUESS) + lead; ; size *= 4) {
    const buffer = Buffer.allocUnsafe(size);
    const { bytesRead } = await handle.read(buffer, 0, size, offset - lead);
    if (lead && buffer[0] !== NEWLINE)
      throw new DamagedLogError(`segment ${segment}: offset ${offset} is not the start of a record`);
    const newline = buffer.subarray(lead, bytesRead).indexOf(NEWLINE);
    if (newline !== -1) return buffer.subarray(lead, lead + newline);
    if (bytesRead < size || length !== undefined)
      throw new DamagedLogError(`segment ${segment}: no complete record at offset ${offset}`);
  }
}

/** Every complete line whose start lies in [start, end); a trailing line without newline is not a record yet. */
export async function* scanLines(
  path: string,
  segment: number,
  start: number,
  end = Infinity,
): AsyncGenerator<RawEntry> {
  const handle = await open(path, "r");
  try {
    const limit = Math.min(end, (await handle.stat()).size);
    const chunk = Buffer.allocUnsafe(SCAN_CHUNK);
    let base = start; // file offset of carry[0]
    let carry = Buffer.alloc(0);
    while (base + carry.length < limit) {
      const want = Math.min(SCAN_CHUNK, limit - base - carry.length);
      const { bytesRead } = await handle.read(chunk, 0, want, base + carry.length);
      if (bytesRead === 0) break;
      const buffer = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let lineStart = 0;
      for (let nl = buffer.indexOf(NEWLINE); nl !== -1; nl = buffer.indexOf(NEWLINE, lineStart)) {
        // Copied because `chunk` is reused by the next read.
        yield {
          segment,
          offset: base + lineStart,
          length: nl - lineStart + 1,
          bytes: Buffer.from(buffer.subarray(lineStart, nl)),
        };
        lineStart = nl + 1;
      }
      carry = Buffer.from(buffer.subarray(lineStart));
      base += lineStart;
    }
  } finally {
    await handle.close();
  }
}

/** scanLines, but a segment removed (by retention) after the directory was listed reads as holding nothing. */
export async function* scanPresentLines(
  path: string,
  segment: number,
  start: number,
  end = Infinity,
): AsyncGenerator<RawEntry> {
  try {
    yield* scanLines(path, segment, start, end);
  } catch (error) {
    // The file is opened before the first line is read: later failures are not ENOENT.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** The offset just after the last newline before `end` (0 if none), searching backwards chunk by chunk. */
export async function lineStartBefore(handle: FileHandle, end: number): Promise<number> {
  const chunk = Buffer.allocUnsafe(SCAN_CHUNK);
  for (let stop = end; stop > 0;) {
    const from = Math.max(0, stop - SCAN_CHUNK);
    const { bytesRead } = await handle.read(chunk, 0, stop - from, from);
    const newline = chunk.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (newline !== -1) return from + newline + 1;
    stop = from;
  }
  return 0;
}

/** The last complete line of the segment file at `path`, or undefined when it holds none. */
export async function readLastLineOf(path: string, segment: number): Promise<RawEntry | undefined> {
  const handle = await open(path, "r");
  try {
    return await readLastLine(handle, segment, (await handle.stat()).size);
  } finally {
    await handle.close();
  }
}

/** The last complete line ending at or before `end`, or undefined for an empty range. */
export async function readLastLine(handle: FileHandle, segment: number, end: number): Promise<RawEntry | undefined> {
  if (end === 0) return undefined;
  const offset = await lineStartBefore(handle, end - 1);
  const bytes = Buffer.allocUnsafe(end - 1 - offset);
  await handle.read(bytes, 0, bytes.length, offset);
  return { segment, offset, length: end - offset, bytes };
}
