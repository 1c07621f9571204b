import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError, errorMessage } from "../contracts/errors.ts";
import { privateDir } from "../storage/private-files.ts";
import type { CrashReport } from "./report.ts";

/** `<data dir>/crash-reports/`: one `<id>.json` (0600) per crash, and the newest id already announced. */
export function crashReportsDir(dataDir: string): string {
  return join(dataDir, "crash-reports");
}

const ID = /^crash-\d{8}T\d{6}Z-[0-9a-f]{6}$/;
const ANNOUNCED = ".announced";

export function saveCrashReport(dataDir: string, report: CrashReport): string {
  const dir = crashReportsDir(dataDir);
  privateDir(dir);
  const path = join(dir, `${report.id}.json`);
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
  return path;
}

/** The stored reports' ids, oldest first (ids begin with their UTC time). */
export function crashReportIds(dataDir: string): string[] {
  const dir = crashReportsDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json") && ID.test(name.slice(0, -5)))
    .map((name) => name.slice(0, -5))
    .sort();
}

/**
 * The report, or undefined for an id that is not a stored report; a file that is not JSON (cut short by a
 * crash while it was written) is a one-line error naming it.
 */
export function readCrashReport(dataDir: string, id: string): CrashReport | undefined {
  if (!ID.test(id)) return undefined;
  const path = join(crashReportsDir(dataDir), `${id}.json`);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as CrashReport;
  } catch (error) {
    throw new UserError(
      `unreadable crash report ${path}: ${errorMessage(error)} (remove it, or: codetether crash clear)`,
    );
  }
}

export function markSent(dataDir: string, report: CrashReport, sentAt: string): void {
  saveCrashReport(dataDir, { ...report, sent_at: sentAt });
}

/** Removes every report; returns how many there were. */
export function clearCrashReports(dataDir: string): number {
  const ids = crashReportIds(dataDir);
  for (const id of ids) rmSync(join(crashReportsDir(dataDir), `${id}.json`), { force: true });
  rmSync(join(crashReportsDir(dataDir), ANNOUNCED), { force: true });
  return ids.length;
}

/**
 * The reports saved since the user was last told, and marks them told: the notice at start-up comes once.
 * Cheap when there is none (one stat).
 */
export function takeUnannounced(dataDir: string): string[] {
  const ids = crashReportIds(dataDir);
  if (!ids.length) return [];
  const marker = join(crashReportsDir(dataDir), ANNOUNCED);
  const last = existsSync(marker) ? readFileSync(marker, "utf8").trim() : "";
  const fresh = ids.filter((id) => id > last);
  if (fresh.length) writeFileSync(marker, fresh.at(-1)!, { mode: 0o600 });
  return fresh;
}
