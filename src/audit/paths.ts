import { join } from "node:path";

/** Where the audit trail's writer slots live: `<data dir>/audit/writer-N/`. */
export function auditDir(dataDir: string): string {
  return join(dataDir, "audit");
}
