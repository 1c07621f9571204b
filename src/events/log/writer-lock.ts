import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../util/errors.ts";

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
      if (isAlive(owner)) throw new UserError(`log ${dir} is already open for writing by process ${owner}`);
      rmSync(path, { force: true });
    }
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
