import { basename } from "node:path";
import { LogReader, type LogPosition } from "./log/index.ts";
import type { MergedEntry } from "./merged-query.ts";
import { eventsDir } from "./paths.ts";
import type { StreamEvent } from "./stream.ts";
import { slotDirs } from "./writer-slots.ts";

export interface FollowEventsOptions {
  session?: string;
  signal: AbortSignal;
  pollMs?: number;
}

/**
 * Yields the events written from now on by any process sharing the data dir, by polling each writer
 * slot's files (the writers may be other processes, so there is nothing to wait on in this one).
 * A slot created later is read from its start. Each poll's new events are yielded in time order.
 */
export async function* followEvents(
  dataDir: string,
  options: FollowEventsOptions,
): AsyncGenerator<MergedEntry<StreamEvent>> {
  const base = eventsDir(dataDir);
  const positions = new Map<string, LogPosition>(slotDirs(base).map((dir) => [dir, new LogReader(dir).end()]));
  while (!options.signal.aborted) {
    const batch: MergedEntry<StreamEvent>[] = [];
    for (const dir of slotDirs(base)) {
      const reader = new LogReader(dir);
      let position = positions.get(dir) ?? { segment: 0, offset: 0 };
      for await (const raw of reader.rawEntries(position)) {
        position = { segment: raw.segment, offset: raw.offset + raw.length };
        const record = parseEvent(raw.bytes);
        if (!record || (options.session && record.session_id !== options.session)) continue;
        batch.push({
          stream: basename(dir),
          segment: raw.segment,
          offset: raw.offset,
          length: raw.length,
          ts: Date.parse(record.ts),
          record,
        });
      }
      positions.set(dir, position);
      await reader.close();
    }
    yield* batch.sort((a, b) => a.ts - b.ts);
    await sleep(options.pollMs ?? 200, options.signal);
  }
}

function parseEvent(bytes: Buffer): StreamEvent | undefined {
  try {
    return JSON.parse(bytes.toString("utf8")) as StreamEvent;
  } catch {
    return undefined; // a damaged line: tail shows what it can
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
