import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const SEGMENT_NAME = /^(\d{8})\.jsonl$/;

/** `00000001.jsonl`: zero-padded so that a plain directory listing sorts segments in log order. */
export function segmentFileName(segment: number): string {
  return `${String(segment).padStart(8, "0")}.jsonl`;
}

export function segmentPath(dir: string, segment: number): string {
  return join(dir, segmentFileName(segment));
}

/**
 * When a segment file was created (ms). Where the file system keeps no birth time, its last write
 * stands in: that is later, so an age measured from it errs towards sealing late, never early.
 */
export function segmentCreatedAt(path: string): number {
  const stats = statSync(path);
  return stats.birthtimeMs || stats.mtimeMs;
}

/** The segment numbers present in `dir`, ascending; other files (lock, index) are ignored. */
export function listSegments(dir: string): number[] {
  const segments: number[] = [];
  for (const name of readdirSync(dir)) {
    const match = SEGMENT_NAME.exec(name);
    if (match) segments.push(Number(match[1]));
  }
  return segments.sort((a, b) => a - b);
}

const CUT_NAME = /^(\d{8})\.jsonl\.cut-(\d+)$/;

/** Where the writer keeps whole lines it cut from a segment's end at `offset` (see truncateTornTail). */
export function cutFilePath(segmentFile: string, offset: number): string {
  return `${segmentFile}.cut-${offset}`;
}

/** The cut files in `dir`, in log order. */
export function cutFiles(dir: string): Array<{ segment: number; offset: number; name: string }> {
  const cuts: Array<{ segment: number; offset: number; name: string }> = [];
  for (const name of readdirSync(dir)) {
    const match = CUT_NAME.exec(name);
    if (match) cuts.push({ segment: Number(match[1]), offset: Number(match[2]), name });
  }
  return cuts.sort((a, b) => a.segment - b.segment || a.offset - b.offset);
}
