import { archivedSegments } from "../archive/archived-segments.ts";
import type { LogsConfig } from "../config/schema.ts";
import type { RetentionPolicy } from "../events/log/index.ts";
import { slotsBytes } from "../events/writer-slots.ts";

const DAY_MS = 86_400_000;

/**
 * `[logs] retention_days` and `max_bytes` for the writer slots under `baseDir` (one log kind: the event
 * stream or the audit trail): `max_bytes` counts every slot of the kind, and each writer removes its
 * own oldest closed segments. With `[archive]` configured, only segments already archived go.
 * Undefined when neither limit is set (everything is kept).
 */
export function retentionPolicy(
  logs: LogsConfig,
  baseDir: string,
  options: { archive: boolean; warn: (message: string) => void },
): RetentionPolicy | undefined {
  if (logs.retention_days === undefined && logs.max_bytes === undefined) return undefined;
  return {
    maxAgeMs: logs.retention_days === undefined ? undefined : logs.retention_days * DAY_MS,
    maxBytes: logs.max_bytes,
    usedBytes: () => slotsBytes(baseDir),
    archived: options.archive ? archivedSegments : undefined,
    warn: options.warn,
  };
}
