import { z } from "zod";
import { closeViews, openLogViews, type LogView } from "../events/log-view.ts";
import { mergedFind, type MergedPage } from "../events/merged-query.ts";
import { slotDirs } from "../events/writer-slots.ts";
import type { AuditRecord } from "./audit-record.ts";
import { AUDIT_INDEX } from "./audit-index.ts";
import { auditDir } from "./paths.ts";

const MAX_PAGE = 1000;
const isoTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), "must be an ISO 8601 time");

/** The filters of `POST /v1/audit/query` and `codetether audit query` (every field optional). */
export const AuditQuerySchema = z.strictObject({
  actor: z.string().optional(),
  action: z.string().optional(),
  resource: z.string().optional(),
  status: z.string().optional(),
  session_id: z.string().optional(),
  okr_id: z.string().optional(),
  okr_run_id: z.string().optional(),
  relay_id: z.string().optional(),
  replica_id: z.string().optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
  cursor: z.string().optional(),
});
export type AuditQueryInput = z.infer<typeof AuditQuerySchema>;

/** Opens every writer slot of the data dir's audit trail for reading, runs `read`, closes them. */
export async function withAuditViews<R>(dataDir: string, read: (views: LogView[]) => Promise<R>): Promise<R> {
  const views = await openLogViews(slotDirs(auditDir(dataDir)), AUDIT_INDEX);
  try {
    return await read(views);
  } finally {
    await closeViews(views);
  }
}

/** Matching records of every slot, oldest first. */
export function queryAudit(views: LogView[], query: AuditQueryInput): Promise<MergedPage<AuditRecord>> {
  const { from, to, limit, cursor, ...equals } = query;
  return mergedFind<AuditRecord>(views, { equals, from, to, cursor, limit, order: "asc" });
}

/** The newest records of every slot first; page back in time with the cursor. */
export function recentAudit(views: LogView[], limit: number, cursor?: string): Promise<MergedPage<AuditRecord>> {
  return mergedFind<AuditRecord>(views, { limit, cursor, order: "desc" });
}
