import { open, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { cutFilePath } from "./segment-files.ts";
import { syncDirectory } from "./sync-directory.ts";
import { lineStartBefore } from "./segment-reader.ts";

/**
 * Cuts away what a crash can leave at the end of the active segment: a line without its newline, or a
 * line that does not parse (zero-filled or half-flushed blocks). Only unacknowledged bytes can be there,
 * because a record is acknowledged only after its bytes and newline were fsynced.
 * A cut that holds a whole line (newline included) that does not parse is not what a killed process
 * leaves, only a power loss mid-write or an edit: its bytes are kept in `<segment>.cut-<offset>`
 * (see cutFiles) so that an audit can tell.
 * Returns the size of the segment's valid prefix.
 */
export async function truncateTornTail(path: string): Promise<number> {
  const handle = await open(path, "r+");
  try {
    const original = (await handle.stat()).size;
    let size = original;
    let wholeLineCut = false;
    while (size > 0) {
      const endsWithNewline = (await readSlice(handle, size - 1, size))[0] === 0x0a;
      const lineStart = await lineStartBefore(handle, endsWithNewline ? size - 1 : size);
      if (endsWithNewline && parses(await readSlice(handle, lineStart, size - 1))) break;
      wholeLineCut ||= endsWithNewline;
      size = lineStart;
    }
    if (wholeLineCut) await writeDurably(cutFilePath(path, size), await readSlice(handle, size, original));
    if (size !== original) {
      await handle.truncate(size);
      await handle.sync();
    }
    return size;
  } finally {
    await handle.close();
  }
}

async function writeDurably(path: string, bytes: Buffer): Promise<void> {
  const file = await open(path, "a", 0o600); // a second cut at the same offset adds to the first
  try {
    await file.writeFile(bytes);
    await file.sync();
  } finally {
    await file.close();
  }
  await syncDirectory(dirname(path)); // the cut file's name must outlive the truncation that follows
}

async function readSlice(handle: FileHandle, start: number, end: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(end - start);
  await handle.read(buffer, 0, buffer.length, start);
  return buffer;
}

function parses(line: Buffer): boolean {
  try {
    JSON.parse(line.toString("utf8"));
    return true;
  } catch {
    return false;
  }
}
