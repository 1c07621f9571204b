import { join } from "node:path";

/** Where the event stream's writer slots live: `<data dir>/events/writer-N/`. */
export function eventsDir(dataDir: string): string {
  return join(dataDir, "events");
}
