import type { AuditInput } from "./audit-record.ts";

/** Where API audit records go: served calls one by one, refused ones (unauthenticated, over a cap) aggregated. */
export interface ApiAuditSink {
  record(input: AuditInput): void;
  refused(input: AuditInput): void;
}

/** Longest request path kept in a record (bytes); the rest is cut so a long path cannot inflate the log. */
const MAX_AUDITED_PATH_BYTES = 256;

/** Distinct sources aggregated per window; past it, further ones share one record (many-address floods). */
const MAX_SOURCES = 1000;

/** `path` cut to MAX_AUDITED_PATH_BYTES bytes, marked with `…` where cut. */
export function auditedPath(path: string): string {
  const bytes = Buffer.from(path);
  if (bytes.length <= MAX_AUDITED_PATH_BYTES) return path;
  // A character cut in half decodes as U+FFFD; drop it.
  return `${bytes
    .subarray(0, MAX_AUDITED_PATH_BYTES)
    .toString()
    .replace(/\uFFFD$/, "")}…`;
}

/**
 * Refused calls cost an attacker nothing, so each one must not cost a record: within each window
 * (1 s) the refusals of one source with one action and status become one record carrying the first
 * one's resource and details plus `count`. Served calls pass straight through.
 */
export function aggregateRefusals(
  record: (input: AuditInput) => void,
  windowMs = 1000,
): ApiAuditSink & { flush(): void } {
  let pending = new Map<string, { first: AuditInput; count: number }>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const window = pending;
    pending = new Map();
    for (const { first, count } of window.values()) {
      record({ ...first, details: { ...(first.details as object), count, window_ms: windowMs } });
    }
  };
  return {
    record,
    refused(input) {
      let key = `${input.actor}\n${input.action}\n${input.status}`;
      if (!pending.has(key) && pending.size >= MAX_SOURCES) {
        input = { ...input, actor: "peer:*" };
        key = `*\n${input.action}\n${input.status}`;
      }
      const entry = pending.get(key);
      if (entry) entry.count++;
      else pending.set(key, { first: input, count: 1 });
      timer ??= setTimeout(flush, windowMs).unref();
    },
    flush,
  };
}
