import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { holdExclusive, isHeld } from "../../storage/exclusive-lock.ts";
import { UserError } from "../../contracts/errors.ts";

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
 * One writer per log directory: two appenders would interleave their bytes and break offsets. The lock
 * (`LOCK.sqlite`, see holdExclusive) is held for as long as the log is open and dropped by the kernel
 * however the process ends; `LOCK` holds the owner's pid for messages only.
 */
export function acquireWriterLock(dir: string): () => void {
  const release = holdExclusive(join(dir, "LOCK.sqlite"));
  if (!release) throw new LogBusyError(dir, ownerOf(dir));
  writeFileSync(join(dir, "LOCK"), String(process.pid), { mode: 0o600 });
  return () => {
    rmSync(join(dir, "LOCK"), { force: true });
    release();
  };
}

/** Whether a live writer (this process included) holds the log in `dir`. */
export function isLocked(dir: string): boolean {
  return isHeld(join(dir, "LOCK.sqlite"));
}

function ownerOf(dir: string): number | undefined {
  try {
    return Number(readFileSync(join(dir, "LOCK"), "utf8")) || undefined;
  } catch {
    return undefined;
  }
}
