import { UserError } from "../contracts/errors.ts";
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { listSegments, segmentFileName, segmentPath } from "../events/log/index.ts";
import { recordArchived } from "./archived-segments.ts";
import { hashFile } from "./file-hash.ts";
import { archiveKeys, emptyManifest, hashFromKey, withEntries } from "./manifest.ts";
import { createS3Store, type ObjectStore } from "./object-store.ts";
import { withRetry, type RetryOptions } from "./retry.ts";
import type { ArchiveConfig, ArchiveCredentials, FetchResult, Manifest, ManifestEntry, PushResult } from "./types.ts";

export interface Archiver {
  /**
   * Uploads the closed segments of `logDir` (all but the newest, which may still grow) and the file
   * `heads` (an audit writer's signed heads, kept beside them so that an archive shows what was cut
   * from the local log), then the manifest, whose segments are then recorded in `logDir` (for retention).
   */
  push(logDir: string, heads?: string): Promise<PushResult>;
  /** The archived segments, as the manifest lists them. */
  list(): Promise<ManifestEntry[]>;
  /** Downloads one archived segment, by segment number or object key, to the file `dest`, checking its hash. */
  fetch(keyOrSegment: string | number, dest: string): Promise<FetchResult>;
  /** Downloads the heads pushed last to the file `dest`, checking their hash. */
  fetchHeads(dest: string): Promise<FetchResult>;
}

export interface ArchiverOptions {
  retry?: RetryOptions;
}

export function createArchiver(
  config: ArchiveConfig,
  credentials: ArchiveCredentials,
  options: ArchiverOptions = {},
): Archiver {
  const keys = archiveKeys(config);
  let store: Promise<ObjectStore> | undefined;
  const connect = () => (store ??= createS3Store(config, credentials));
  const retry = <T>(operation: (store: ObjectStore) => Promise<T>) =>
    connect().then((s) => withRetry(() => operation(s), options.retry));
  const readManifest = async () => (await retry((s) => s.getJson<Manifest>(keys.manifest))) ?? emptyManifest();
  const download = async (key: string, dest: string): Promise<FetchResult> => {
    const { sha256, bytes } = await retry((s) => s.download(key, dest, hashFromKey(key)));
    return { key, sha256, bytes, path: dest };
  };

  return {
    async push(logDir, headsFile) {
      const manifest = await readManifest();
      const archived = new Map(manifest.segments.map((entry) => [entry.segment, entry]));
      const result: PushResult = { uploaded: [], skipped: [] };
      for (const segment of listSegments(logDir).slice(0, -1)) {
        const path = segmentPath(logDir, segment);
        const { sha256, bytes } = await hashFile(path);
        const known = archived.get(segment);
        if (known && known.sha256 !== sha256) {
          throw new UserError(
            `segment ${segmentFileName(segment)} of ${logDir} changed after it was archived (SHA-256 ${sha256}, archived ${known.sha256})`,
          );
        }
        if (known) {
          result.skipped.push(known);
          continue;
        }
        const entry: ManifestEntry = {
          segment,
          file: basename(path),
          sha256,
          bytes,
          key: keys.segment(sha256),
          archived_at: new Date().toISOString(),
        };
        // Content-addressed keys make an upload that succeeded before a lost manifest write a no-op now.
        if (await retry((s) => s.exists(entry.key))) result.skipped.push(entry);
        else {
          await retry((s) => s.putFile(entry.key, path, sha256, bytes));
          result.uploaded.push(entry);
        }
      }
      const added = [...result.uploaded, ...result.skipped].filter((entry) => !archived.has(entry.segment));
      const heads = headsFile && existsSync(headsFile) ? await hashFile(headsFile) : undefined;
      const newHeads = heads !== undefined && heads.sha256 !== manifest.heads?.sha256;
      if (newHeads) {
        const key = keys.heads(heads.sha256);
        await retry((s) => s.putFile(key, headsFile!, heads.sha256, heads.bytes));
        manifest.heads = { key, ...heads, archived_at: new Date().toISOString() };
      }
      // Written last, so the manifest never names an object that is not there yet.
      const updated = withEntries(manifest, added);
      if (added.length || newHeads) await retry((s) => s.putJson(keys.manifest, updated));
      recordArchived(logDir, updated.segments);
      return result;
    },

    async list() {
      return (await readManifest()).segments;
    },

    async fetch(keyOrSegment, dest) {
      let key: string;
      if (typeof keyOrSegment === "number") {
        const entry = (await readManifest()).segments.find((candidate) => candidate.segment === keyOrSegment);
        if (!entry) throw new UserError(`segment ${segmentFileName(keyOrSegment)} is not in the archive`);
        key = entry.key;
      } else key = keyOrSegment;
      return download(key, dest);
    },

    async fetchHeads(dest) {
      const heads = (await readManifest()).heads;
      if (!heads) throw new UserError("no audit heads in the archive");
      return download(heads.key, dest);
    },
  };
}
