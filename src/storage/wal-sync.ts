import { open, type FileHandle } from "node:fs/promises";
import type { Database } from "./database.ts";

/**
 * Group commit with the fsync off the event loop, for a connection in WAL mode with
 * synchronous=NORMAL. With synchronous=FULL, SQLite fsyncs the WAL inside every commit, and
 * better-sqlite3 runs commits on the main thread: each one stalls every request of the server for
 * as long as the disk takes. Here a commit only writes its frames to the WAL, and `durable()`
 * fdatasyncs the WAL file on libuv's thread pool — what FULL would have done, since in WAL mode
 * that sync is all FULL adds (checkpoints sync the WAL and the database themselves either way).
 * Commits made while a sync runs share the next one.
 */
export class WalSync {
  private readonly walPath: string;
  private file: Promise<FileHandle> | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(db: Database) {
    this.walPath = `${db.name}-wal`;
  }

  /** Resolves once every transaction committed before the call is on disk. */
  durable(): Promise<void> {
    if (!this.running) {
      this.running = this.sync().finally(() => (this.running = undefined));
      return this.running;
    }
    // The running sync may have started before this caller's commit: it needs the next one.
    this.queued ??= this.running.then(
      () => this.next(),
      () => this.next(),
    );
    return this.queued;
  }

  private next(): Promise<void> {
    this.queued = undefined;
    return this.durable();
  }

  private async sync(): Promise<void> {
    // The connection keeps the WAL file for its lifetime (SQLite removes it only when the last
    // connection closes), so one handle serves every sync.
    this.file ??= open(this.walPath, "r").catch((error: unknown) => {
      this.file = undefined;
      throw error;
    });
    await (await this.file).datasync();
  }
}
