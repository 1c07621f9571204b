import { indexSpec } from "../events/log-index.ts";
import type { AuditRecord } from "./audit-record.ts";

/** What the sidecar index of an audit trail keeps of each record. */
export const AUDIT_INDEX = indexSpec<AuditRecord>([
  "actor",
  "action",
  "resource",
  "status",
  "session_id",
  "okr_id",
  "okr_run_id",
  "relay_id",
  "replica_id",
]);
