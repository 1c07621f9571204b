import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ManifestEntry } from "./types.ts";

/**
 * Beside a log's segments: the segments its archive manifest listed at the last push, so that `[logs]`
 * retention, which runs on every segment roll, knows what is archived without asking the store.
 */
export const ARCHIVED_FILE = "archived.json";

/** Records the manifest's segments in `logDir` (written aside and renamed over: never half a file). */
export function recordArchived(logDir: string, segments: ManifestEntry[]): void {
  const path = join(logDir, ARCHIVED_FILE);
  const listed = segments.map(({ segment, bytes, sha256 }) => ({ segment, bytes, sha256 }));
  writeFileSync(`${path}.new`, JSON.stringify({ segments: listed }), { mode: 0o600 });
  renameSync(`${path}.new`, path);
}

/** The archived segments of `logDir` (number → bytes); none when nothing was pushed or the file is unreadable. */
export function archivedSegments(logDir: string): Map<number, number> {
  try {
    const { segments } = JSON.parse(readFileSync(join(logDir, ARCHIVED_FILE), "utf8")) as {
      segments: Array<{ segment: number; bytes: number }>;
    };
    return new Map(segments.map((entry) => [entry.segment, entry.bytes]));
  } catch {
    return new Map(); // nothing known to be archived: everything is kept
  }
}
