import { chmodSync, mkdirSync, openSync, writeSync, fsyncSync, closeSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";

/** Writes a file so that readers see either the old or the new content, never half of it. */
export function writeFileAtomic(path: string, content: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, "w", mode);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, mode); // openSync's mode is filtered by the umask
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
