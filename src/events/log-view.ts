import { basename } from "node:path";
import type { IndexPage, IndexQuery } from "./index-query.ts";
import { indexPath, LogIndex, openIndexedLog, type IndexSpec } from "./log-index.ts";
import { isLocked, LogBusyError, LogReader, type LogPosition, type LogLocation, type RawEntry } from "./log/index.ts";

/** What readers need of one slot's log: index lookups, positioned reads and scans. */
export interface LogView {
  /** The slot's name (its directory name), which tells records of different writers apart. */
  name: string;
  dir: string;
  find(query: IndexQuery): IndexPage;
  /** The bytes of the session's records that retention removed from this slot. */
  removedBytes(sessionId: string): number;
  readRaw(location: LogLocation): Promise<Buffer>;
  rawEntries(from?: LogPosition): AsyncGenerator<RawEntry>;
  close(): Promise<void>;
}

/**
 * Opens a slot for reading. A slot no live process writes is opened as its writer, which recovers a
 * torn tail and brings the index up to date (and keeps a new writer out meanwhile); a live writer's
 * slot is read without a lock, through the index that writer keeps and the records past its end, read
 * from the log now (the writer indexes in batches; see LogIndex.readUnindexed).
 */
export async function openLogView<T>(dir: string, spec: IndexSpec<T>): Promise<LogView> {
  const name = basename(dir);
  if (!isLocked(dir)) {
    try {
      return await openIndexedLog<T, LogView>(dir, spec, {}, (log, index) => ({
        name,
        dir,
        find: (query) => index.find(query),
        removedBytes: (sessionId) => index.removedBytes(sessionId),
        readRaw: (location) => log.readRaw(location),
        rawEntries: (from) => log.rawEntries(from),
        close: async () => {
          index.close();
          await log.close();
        },
      }));
    } catch (error) {
      if (!(error instanceof LogBusyError)) throw error; // a writer took the slot meanwhile: read it as a reader
    }
  }
  const reader = new LogReader(dir);
  const index = new LogIndex<T>(indexPath(dir), spec.columns, spec.project, { readonly: true });
  try {
    await index.readUnindexed(reader);
  } catch (error) {
    index.close();
    await reader.close();
    throw error;
  }
  return {
    name,
    dir,
    find: (query) => index.find(query),
    removedBytes: (sessionId) => index.removedBytes(sessionId),
    readRaw: (location) => reader.readRaw(location),
    rawEntries: (from) => reader.rawEntries(from),
    close: async () => {
      index.close();
      await reader.close();
    },
  };
}

/** Opens every slot for reading; closes what was opened if one fails. */
export async function openLogViews<T>(dirs: string[], spec: IndexSpec<T>): Promise<LogView[]> {
  const views: LogView[] = [];
  try {
    for (const dir of dirs) views.push(await openLogView(dir, spec));
    return views;
  } catch (error) {
    await closeViews(views);
    throw error;
  }
}

export async function closeViews(views: LogView[]): Promise<void> {
  await Promise.all(views.map((view) => view.close()));
}
