import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { listSegments, LogBusyError, segmentPath } from "./log/index.ts";

const SLOT_NAME = /^writer-(\d+)$/;

/**
 * A log has one writer, but `run`, `serve`, `worker` and the TUI may share a data dir at once: each
 * process writes its own slot directory (`writer-1`, `writer-2`, …) under the log's base directory,
 * reusing the first one no live process holds, and readers merge the slots.
 */
export async function openFreeSlot<T>(baseDir: string, open: (dir: string) => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await open(join(baseDir, `writer-${n}`));
    } catch (error) {
      if (!(error instanceof LogBusyError)) throw error;
    }
  }
}

/** The slot directories under `baseDir`, in slot order (none when nothing was ever written). */
export function slotDirs(baseDir: string): string[] {
  if (!existsSync(baseDir)) return [];
  return readdirSync(baseDir)
    .map((name) => ({ name, n: Number(SLOT_NAME.exec(name)?.[1]) }))
    .filter((slot) => Number.isInteger(slot.n))
    .sort((a, b) => a.n - b.n)
    .map((slot) => join(baseDir, slot.name));
}

/** The bytes of every segment of every slot under `baseDir`. */
export function slotsBytes(baseDir: string): number {
  let bytes = 0;
  for (const dir of slotDirs(baseDir))
    for (const segment of listSegments(dir)) bytes += statSync(segmentPath(dir, segment)).size;
  return bytes;
}
