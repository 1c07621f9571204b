import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../util/errors.ts";

/** The directory's log is held by another live process; callers with alternatives (writer slots) try the next. */
export class LogBusyError extends UserError {
  constructor(
    readonly dir: string,
    readonly owner: number,
  ) {
    super(`log ${dir} is already open for writing by process ${owner}`);
  }
}

/**
 * One writer per log directory: two appenders would interleave their bytes and break offsets.
 * The lock file holds the owner's pid so that a lock left by a crashed (kill -9) process is taken over.
 */
export function acquireWriterLock(dir: string): () => void {
  const path = join(dir, "LOCK");
  for (;;) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(path, "utf8"));
      if (isAlive(owner)) throw new LogBusyError(dir, owner);
      rmSync(path, { force: true });
    }
  }
}

/** Whether a live process holds the writer lock of `dir` (a lock left by a dead process does not count). */
export function isLocked(dir: string): boolean {
  try {
    return isAlive(Number(readFileSync(join(dir, "LOCK"), "utf8")));
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
