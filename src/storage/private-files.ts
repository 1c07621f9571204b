import { chmodSync, mkdirSync } from "node:fs";
import { UserError } from "../contracts/errors.ts";

// The data dir holds sessions, logs, tasks and credentials: only its user may read it. Modes are set
// with chmod as well, because the mode given at creation is filtered by the umask.

/** Creates `path` (and its parents) if missing and makes it 0700. */
export function privateDir(path: string): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A file where the folder (or one of its parents) should be: say so instead of "EEXIST: mkdir".
    if (code === "EEXIST" || code === "ENOTDIR")
      throw new UserError(`${path} cannot be a directory: a file is in the way`);
    throw error;
  }
  chmodSync(path, 0o700);
}

/**
 * Makes the files 0600 that exist among `paths` (an SQLite database before its -wal and -shm files are
 * created: SQLite gives those the database file's mode).
 */
export function privateFiles(...paths: string[]): void {
  for (const path of paths) {
    try {
      chmodSync(path, 0o600);
    } catch {
      // not there (yet): created later with the database's mode
    }
  }
}

/** An SQLite database file and the files SQLite keeps beside it. */
export function sqliteFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`, `${path}-journal`];
}
