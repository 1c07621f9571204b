import { openSqlite } from "./sqlite.ts";
import { privateFiles, sqliteFiles } from "./private-files.ts";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { UserError } from "../contracts/errors.ts";

/**
 * An exclusive lock on `path` (a small SQLite file) held until released or until the process ends,
 * however it ends: the kernel drops it, so there is no stale lock to judge by a pid that may have been
 * reused and no race in taking one over. Undefined when someone (this process included) holds it, after
 * waiting up to `waitMs` for them to let go (the wait blocks the thread: keep it short).
 */
export function holdExclusive(path: string, waitMs = 0): (() => void) | undefined {
  const db = openSqlite(path);
  privateFiles(...sqliteFiles(path));
  try {
    db.pragma(`busy_timeout = ${waitMs}`);
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    return () => {
      if (db.open) db.close();
    };
  } catch (error) {
    db.close();
    if (isBusy(error)) return undefined;
    throw error;
  }
}

/**
 * Holds `<dir>/<name>.lock` for this process (see holdExclusive), making the folder if need be; `busy` is
 * the one-line error when another process holds it (a function: worked out only then).
 */
export function holdOrRefuse(dir: string, name: string, busy: string | (() => string)): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // A short wait: isHeld (swarm list, ralph status) takes the lock for an instant to look.
  const release = holdExclusive(join(dir, `${name}.lock`), 250);
  if (!release) throw new UserError(typeof busy === "string" ? busy : busy());
  return release;
}

/**
 * Waits until the lock at `path` is free and holds it (see holdExclusive): for short critical sections that
 * other processes (or other holders in this one) take in turn, such as changes to one git repository.
 */
export async function holdExclusiveWhenFree(path: string, pollMs = 25): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  for (;;) {
    const release = holdExclusive(path);
    if (release) return release;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Whether someone holds the lock at `path` (a lock file that does not exist is not held). */
export function isHeld(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = openSqlite(path, { fileMustExist: true });
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
