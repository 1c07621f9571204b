import Database from "better-sqlite3";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../util/errors.ts";

/** The directory's log is held by another live process; callers with alternatives (writer slots) try the next. */
export class LogBusyError extends UserError {
  constructor(
    readonly dir: string,
    readonly owner: number | undefined,
  ) {
    super(`log ${dir} is already open for writing${owner ? ` by process ${owner}` : ""}`);
  }
}

/**
 * One writer per log directory: two appenders would interleave their bytes and break offsets.
 * The lock is an exclusive SQLite transaction on `LOCK.sqlite`, held for as long as the log is open:
 * the kernel drops it when the process ends however it ends (kill -9 included), so there is no stale
 * lock to judge by a pid that may have been reused (pid 1 in every container) and no race in taking
 * one over. `LOCK` holds the owner's pid for messages only.
 */
export function acquireWriterLock(dir: string): () => void {
  const db = new Database(join(dir, "LOCK.sqlite"));
  try {
    db.pragma("busy_timeout = 0");
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
  } catch (error) {
    db.close();
    if (isBusy(error)) throw new LogBusyError(dir, ownerOf(dir));
    throw error;
  }
  writeFileSync(join(dir, "LOCK"), String(process.pid));
  return () => {
    rmSync(join(dir, "LOCK"), { force: true });
    db.close();
  };
}

/** Whether a live writer (this process included) holds the log in `dir`. */
export function isLocked(dir: string): boolean {
  const path = join(dir, "LOCK.sqlite");
  if (!existsSync(path)) return false;
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 0");
    db.exec("BEGIN EXCLUSIVE");
    db.exec("ROLLBACK");
    return false;
  } catch (error) {
    if (isBusy(error)) return true;
    throw error;
  } finally {
    db.close();
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED";
}

function ownerOf(dir: string): number | undefined {
  try {
    return Number(readFileSync(join(dir, "LOCK"), "utf8")) || undefined;
  } catch {
    return undefined;
  }
}
