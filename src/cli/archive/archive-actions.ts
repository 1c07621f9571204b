import { existsSync, mkdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { headsPath } from "../../audit/head-log.ts";
import { auditDir } from "../../audit/paths.ts";
import { archiveConfigFor, archiveCredentials, archiveSettings } from "../../archive/config.ts";
import { createArchiver, type Archiver, type ManifestEntry } from "../../archive/index.ts";
import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { LogBusyError, sealLiveSegment, segmentFileName, segmentPath } from "../../events/log/index.ts";
import { eventsDir } from "../../events/paths.ts";
import { slotDirs } from "../../events/writer-slots.ts";
import { UserError } from "../../contracts/errors.ts";
import { printJson } from "../output.ts";
import { isDirectory } from "../../util/is-directory.ts";

interface LocalLog {
  /** `events/writer-1`, `audit/writer-2`: also the log's key prefix under `[archive] prefix`. */
  name: string;
  dir: string;
  /** An audit writer's signed heads, archived beside its segments. */
  heads?: string;
}

const LOG_NAME = /^(events|audit)\/writer-\d+$/;

function localLogs(): LocalLog[] {
  const root = dataDir();
  return [
    ...slotDirs(eventsDir(root)).map((dir) => ({ name: `events/${basename(dir)}`, dir })),
    ...slotDirs(auditDir(root)).map((dir) => ({ name: `audit/${basename(dir)}`, dir, heads: headsPath(dir) })),
  ];
}

async function archiverFor(options: { config?: string }): Promise<(log: string) => Archiver> {
  const settings = archiveSettings(loadConfig(options.config).config);
  const credentials = await archiveCredentials(settings);
  return (log) => createArchiver(archiveConfigFor(settings, log), credentials);
}

/**
 * `codetether archive push`: seals each local log's live segment, so that what was written up to now
 * goes too, then uploads the closed segments. A live segment that another running process writes
 * stays open (one writer per log): that process closes it by `[logs]` size and age.
 */
export async function pushArchive(options: { config?: string; json?: boolean }): Promise<void> {
  const archiver = await archiverFor(options);
  for (const log of localLogs()) {
    const live = await sealLiveSegment(log.dir);
    if (live instanceof LogBusyError) {
      const writer = live.owner ? `process ${live.owner}` : "another process";
      process.stderr.write(
        `codetether: ${log.name}: live segment left open, ${writer} is writing it (it closes the segment at [logs] segment_max_bytes or segment_max_age)\n`,
      );
    }
    const result = await archiver(log.name).push(log.dir, log.heads);
    if (options.json)
      printJson({ log: log.name, live_segment: live instanceof LogBusyError ? "in-use" : live, ...result });
    else
      process.stdout.write(
        `${log.name}: ${result.uploaded.length} uploaded, ${result.skipped.length} already archived\n`,
      );
  }
}

/** `codetether archive list`: what the manifests of the local logs list. */
export async function listArchive(options: { config?: string; json?: boolean }): Promise<void> {
  const archiver = await archiverFor(options);
  const entries: (ManifestEntry & { log: string })[] = [];
  for (const log of localLogs())
    entries.push(...(await archiver(log.name).list()).map((entry) => ({ log: log.name, ...entry })));
  if (options.json) return printJson(entries);
  if (entries.length === 0) process.stdout.write("nothing archived yet (codetether archive push)\n");
  for (const e of entries)
    process.stdout.write(
      `${e.log}  ${e.file}  ${String(e.bytes).padStart(10)} B  ${e.sha256.slice(0, 16)}…  ${e.archived_at}\n`,
    );
}

/**
 * `codetether archive fetch LOG SEGMENT`: restores the segment into its log directory (or --out).
 * SEGMENT `heads` fetches an audit writer's signed heads as pushed last, for `audit verify --head`.
 */
export async function fetchArchive(
  log: string,
  segmentText: string,
  options: { config?: string; out?: string; json?: boolean },
): Promise<void> {
  if (!LOG_NAME.test(log))
    throw new UserError(
      `unknown log '${log}': expected events/writer-N or audit/writer-N (see: codetether archive list)`,
    );
  if (segmentText === "heads") return fetchHeads(log, options);
  const segment = Number(segmentText);
  if (!Number.isInteger(segment) || segment <= 0)
    throw new UserError(`segment must be a positive integer, got '${segmentText}'`);
  // -o DIR puts the segment in that folder under its own name, as cp does.
  const out = options.out && isDirectory(options.out) ? join(options.out, segmentFileName(segment)) : options.out;
  const dest = out ?? segmentPath(join(dataDir(), log), segment);
  if (!options.out && existsSync(dest))
    throw new UserError(`${log}/${segmentFileName(segment)} is present locally already (use --out to fetch a copy)`);
  const logDir = join(dataDir(), log);
  const created = !options.out && !existsSync(logDir);
  mkdirSync(dirname(dest), { recursive: true });
  const archiver = await archiverFor(options);
  const result = await archiver(log)
    .fetch(segment, dest)
    .catch((error: unknown) => {
      // A failed fetch into a log that was not here leaves none behind (verify and push would list it).
      if (created) rmSync(logDir, { recursive: true, force: true });
      throw error;
    });
  if (options.json) printJson({ log, segment, ...result });
  else
    process.stdout.write(
      `${log}/${segmentFileName(segment)} → ${result.path} (${result.bytes} bytes, SHA-256 verified)\n`,
    );
}

async function fetchHeads(log: string, options: { config?: string; out?: string; json?: boolean }): Promise<void> {
  if (!log.startsWith("audit/")) throw new UserError(`only audit logs have heads, not '${log}'`);
  if (!options.out)
    throw new UserError("archive fetch LOG heads needs -o FILE (then: codetether audit verify --head FILE)");
  const archiver = await archiverFor(options);
  const result = await archiver(log).fetchHeads(options.out);
  if (options.json) printJson({ log, heads: true, ...result });
  else process.stdout.write(`${log} heads → ${result.path} (${result.bytes} bytes, SHA-256 verified)\n`);
}
