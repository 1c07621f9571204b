import { dataDir } from "../../config/paths.ts";
import { followEvents } from "../../events/follow-events.ts";
import type { MergedEntry } from "../../events/merged-query.ts";
import { recentEvents, withEventViews } from "../../events/read-events.ts";
import type { StreamEvent } from "../../events/stream.ts";
import { painter, printJson } from "../output.ts";
import { formatEvent } from "./format-event.ts";

/** `codetether events tail`: the newest events, then (with --follow) new ones until interrupted. */
export async function tailEvents(options: {
  session?: string;
  limit: number;
  follow?: boolean;
  json?: boolean;
}): Promise<void> {
  const dir = dataDir();
  const paint = painter(process.stdout);
  const print = (entry: MergedEntry<StreamEvent>) =>
    options.json ? printJson(entry) : process.stdout.write(`${formatEvent(entry, paint)}\n`);
  const controller = new AbortController();
  // Following starts from the slots' current ends before the recent events are read, so nothing
  // written in between is missed (at worst an event shows twice).
  const follow = options.follow
    ? followEvents(dir, { session: options.session, signal: controller.signal })
    : undefined;
  const started = follow?.next();
  const recent = await withEventViews(dir, (views) =>
    recentEvents(views, { session: options.session, limit: options.limit }),
  );
  for (const entry of recent) print(entry);
  if (!follow || !started) return;
  process.once("SIGINT", () => controller.abort());
  process.once("SIGTERM", () => controller.abort());
  for (let next = await started; !next.done; next = await follow.next()) print(next.value);
}
