import type { ModelMessage } from "ai";
import type { StoredMessage } from "../contracts/agent-events.ts";
import { UserError } from "../contracts/errors.ts";
import { closeViews, openLogViews, type LogView } from "./log-view.ts";
import { allLocations, mergedFind, readRecord, type MergedEntry } from "./merged-query.ts";
import { eventsDir } from "./paths.ts";
import { EVENT_INDEX, type StreamEvent } from "./stream.ts";
import { slotDirs } from "./writer-slots.ts";

/** Opens every writer slot of the data dir's event stream for reading, runs `read`, closes them. */
export async function withEventViews<R>(dataDir: string, read: (views: LogView[]) => Promise<R>): Promise<R> {
  const views = await openLogViews(slotDirs(eventsDir(dataDir)), EVENT_INDEX);
  try {
    return await read(views);
  } finally {
    await closeViews(views);
  }
}

/** The newest `limit` events (of one session if given), oldest first. */
export async function recentEvents(
  views: LogView[],
  options: { session?: string; limit: number },
): Promise<MergedEntry<StreamEvent>[]> {
  const page = await mergedFind<StreamEvent>(views, {
    equals: { session_id: options.session },
    order: "desc",
    limit: options.limit,
  });
  return page.entries.reverse();
}

/**
 * A session's transcript rebuilt from the event stream alone: its `message` records (written as the
 * session store stored each message) in store order, without compaction summaries — what
 * `transcript(store.messages(id))` returns.
 */
export async function replayTranscript(views: LogView[], sessionId: string): Promise<ModelMessage[]> {
  const locations = allLocations(views, { equals: { session_id: sessionId, type: "message" } });
  if (locations.length === 0)
    throw new UserError(`no recorded events for session ${sessionId} (see: codetether events tail)`);
  const stored = await Promise.all(
    locations.map(async (location) => (await readRecord<StreamEvent<StoredMessage>>(views, location)).data),
  );
  return stored
    .sort((a, b) => a.seq - b.seq)
    .filter((message) => message.kind === "message")
    .map((message) => message.message);
}
