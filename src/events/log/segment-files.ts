import { readdirSync } from "node:fs";
import { join } from "node:path";

const SEGMENT_NAME = /^(\d{8})\.jsonl$/;

/** `00000001.jsonl`: zero-padded so that a plain directory listing sorts segments in log order. */
export function segmentFileName(segment: number): string {
  return `${String(segment).padStart(8, "0")}.jsonl`;
}

export function segmentPath(dir: string, segment: number): string {
  return join(dir, segmentFileName(segment));
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
