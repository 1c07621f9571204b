import type { ArchiveConfig, Manifest, ManifestEntry } from "./types.ts";

/** Object keys under one archive prefix: one manifest, and segments named by their content hash. */
export interface ArchiveKeys {
  manifest: string;
  segment(sha256: string): string;
  heads(sha256: string): string;
}

const HASH_KEY = /([0-9a-f]{64})\.jsonl$/;

export function archiveKeys(config: ArchiveConfig): ArchiveKeys {
  const prefix = config.prefix === "" || config.prefix.endsWith("/") ? config.prefix : `${config.prefix}/`;
  return {
    manifest: `${prefix}manifest.json`,
    segment: (sha256) => `${prefix}segments/${sha256}.jsonl`,
    heads: (sha256) => `${prefix}heads/${sha256}.jsonl`,
  };
}

/** The content hash a segment key was named after, if it is one. */
export function hashFromKey(key: string): string | undefined {
  return HASH_KEY.exec(key)?.[1];
}

export function emptyManifest(): Manifest {
  return { version: 1, segments: [] };
}

/** The manifest with `entries` added, ordered by segment number. */
export function withEntries(manifest: Manifest, entries: ManifestEntry[]): Manifest {
  const bySegment = new Map(manifest.segments.map((entry) => [entry.segment, entry]));
  for (const entry of entries) bySegment.set(entry.segment, entry);
  return { ...manifest, segments: [...bySegment.values()].sort((a, b) => a.segment - b.segment) };
}
