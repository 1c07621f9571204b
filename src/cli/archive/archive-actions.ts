import { existsSync, mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { archiveConfigFor, archiveCredentials, archiveSettings } from "../../archive/config.ts";
import { createArchiver, type Archiver, type ManifestEntry } from "../../archive/index.ts";
import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { segmentFileName, segmentPath } from "../../events/log/index.ts";
import { auditDir, eventsDir } from "../../events/paths.ts";
import { slotDirs } from "../../events/writer-slots.ts";
import { UserError } from "../../util/errors.ts";
import { printJson } from "../output.ts";

interface LocalLog {
  /** `events/writer-1`, `audit/writer-2`: also the log's key prefix under `[archive] prefix`. */
  name: string;
  dir: string;
}

const LOG_NAME = /^(events|audit)\/writer-\d+$/;

function localLogs(): LocalLog[] {
  const root = dataDir();
  return [
    ...slotDirs(eventsDir(root)).map((dir) => ({ name: `events/${basename(dir)}`, dir })),
    ...slotDirs(auditDir(root)).map((dir) => ({ name: `audit/${basename(dir)}`, dir })),
  ];
}

async function archiverFor(options: { config?: string }): Promise<(log: string) => Archiver> {
  const settings = archiveSettings(loadConfig(options.config).config);
  const credentials = await archiveCredentials(settings);
  return (log) => createArchiver(archiveConfigFor(settings, log), credentials);
}

/** `codetether archive push`: every local log's closed segments. */
export async function pushArchive(options: { config?: string; json?: boolean }): Promise<void> {
  const archiver = await archiverFor(options);
  for (const log of localLogs()) {
    const result = await archiver(log.name).push(log.dir);
    if (options.json) printJson({ log: log.name, ...result });
    else process.stdout.write(`${log.name}: ${result.uploaded.length} uploaded, ${result.skipped.length} already archived\n`);
  }
}

/** `codetether archive list`: what the manifests of the local logs list. */
export async function listArchive(options: { config?: string; json?: boolean }): Promise<void> {
  const archiver = await archiverFor(options);
  const entries: (ManifestEntry & { log: string })[] = [];
  for (const log of localLogs()) entries.push(...(await archiver(log.name).list()).map((entry) => ({ log: log.name, ...entry })));
  if (options.json) return printJson(entries);
  if (entries.length === 0) process.stdout.write("nothing archived yet (codetether archive push)\n");
  for (const e of entries) process.stdout.write(`${e.log}  ${e.file}  ${String(e.bytes).padStart(10)} B  ${e.sha256.slice(0, 16)}…  ${e.archived_at}\n`);
}

/** `codetether archive fetch LOG SEGMENT`: restores the segment into its log directory (or --out). */
export async function fetchArchive(log: string, segmentText: string, options: { config?: string; out?: string; json?: boolean }): Promise<void> {
  if (!LOG_NAME.test(log)) throw new UserError(`unknown log '${log}': expected events/writer-N or audit/writer-N (see: codetether archive list)`);
  const segment = Number(segmentText);
  if (!Number.isInteger(segment) || segment <= 0) throw new UserError(`segment must be a positive integer, got '${segmentText}'`);
  const dest = options.out ?? segmentPath(join(dataDir(), log), segment);
  if (!options.out && existsSync(dest)) throw new UserError(`${log}/${segmentFileName(segment)} is present locally already (use --out to fetch a copy)`);
  mkdirSync(dirname(dest), { recursive: true });
  const archiver = await archiverFor(options);
  const result = await archiver(log).fetch(segment, dest);
  if (options.json) printJson({ log, segment, ...result });
  else process.stdout.write(`${log}/${segmentFileName(segment)} → ${result.path} (${result.bytes} bytes, SHA-256 verified)\n`);
}
