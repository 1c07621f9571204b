import { AuditQuerySchema, queryAudit, withAuditViews } from "../../audit/read-audit.ts";
import { dataDir } from "../../config/paths.ts";
import { InvalidCursorError } from "../../events/index-query.ts";
import { UserError } from "../../contracts/errors.ts";
import { painter, printJson } from "../output.ts";

const FLAG_TO_FIELD: Record<string, string> = {
  session: "session_id",
  okr: "okr_id",
  okrRun: "okr_run_id",
  relay: "relay_id",
  replica: "replica_id",
};

/** `codetether audit query`: one page of matching records, and the cursor of the next. */
export async function queryAuditTrail(options: Record<string, string | number | boolean | undefined>): Promise<void> {
  const { json, ...flags } = options;
  const parsed = AuditQuerySchema.safeParse(
    Object.fromEntries(Object.entries(flags).map(([key, value]) => [FLAG_TO_FIELD[key] ?? key, value])),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`--${String(issue.path[0] ?? "")}: ${issue.message}`);
  }
  const page = await withAuditViews(dataDir(), (views) => queryAudit(views, parsed.data)).catch((error: unknown) => {
    throw error instanceof InvalidCursorError ? new UserError(error.message) : error;
  });
  const records = page.entries.map((entry) => entry.record);
  if (json) return printJson({ events: records, next_cursor: page.nextCursor ?? null });
  const paint = painter(process.stdout);
  for (const r of records) {
    const session = r.session_id ? `  ${paint("cyan", r.session_id)}` : "";
    process.stdout.write(`${paint("dim", r.ts)}  ${r.actor}  ${r.action}  ${r.resource}  ${r.status}${session}\n`);
  }
  if (records.length === 0) process.stdout.write("no matching audit records\n");
  if (page.nextCursor) process.stdout.write(`more: --cursor ${page.nextCursor}\n`);
}
