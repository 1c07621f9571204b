import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { SignedHead } from "./signed-head.ts";

/** Beside a writer's segments: the heads it signed, one per flush, so that cutting records off the segment shows. */
export const HEADS_FILE = "heads.jsonl";

/** Past this size the file is rewritten to its newest head: every head vouches for the whole chain before it. */
const COMPACT_BYTES = 256 * 1024;

export function headsPath(dir: string): string {
  return join(dir, HEADS_FILE);
}

export function readHeadsFile(path: string): string {
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}

/**
 * The writer's heads file, appended to once per flush. Not fsynced: a head is written only after the
 * records it names are durable, so a crash can lose the newest head (it then lags the log, which
 * verifies) but never leave one ahead of the records.
 */
export class HeadLog {
  private fd: number;

  constructor(private readonly path: string) {
    this.fd = openSync(path, "a", 0o600);
  }

  append(head: SignedHead): void {
    const line = `${JSON.stringify(head)}\n`;
    if (fstatSync(this.fd).size + line.length > COMPACT_BYTES) {
      // Written aside and renamed over, so the file never holds less than one whole head.
      writeFileSync(`${this.path}.new`, line, { mode: 0o600 });
      renameSync(`${this.path}.new`, this.path);
      closeSync(this.fd);
      this.fd = openSync(this.path, "a", 0o600);
      return;
    }
    writeSync(this.fd, line);
  }

  close(): void {
    closeSync(this.fd);
  }
}
