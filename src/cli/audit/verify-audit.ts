import { verifyAudit } from "../../audit/read-audit.ts";
import { segmentFileName } from "../../events/log/index.ts";
import { dataDir } from "../../config/paths.ts";
import { auditDir } from "../../events/paths.ts";
import { UserError } from "../../util/errors.ts";
import { painter, printJson } from "../output.ts";

/** `codetether audit verify`: every writer stream's chain; fails naming the first bad record. */
export async function verifyAuditTrail(options: { json?: boolean }): Promise<void> {
  const results = await verifyAudit(dataDir());
  const paint = painter(process.stdout);
  for (const result of results) {
    if (options.json) printJson(result);
    else if (result.ok) process.stdout.write(`${paint("green", "ok")}  ${result.stream}: ${result.records} records, last seq ${result.last_seq}\n`);
  }
  if (!options.json && results.length === 0) process.stdout.write(`no audit records in ${auditDir(dataDir())}\n`);
  const bad = results.find((result) => !result.ok);
  if (bad && !bad.ok) {
    const where = `${bad.stream}/${segmentFileName(bad.segment)} at byte ${bad.offset}`;
    throw new UserError(`audit trail broken: record ${bad.seq ?? `#${bad.expected_seq}`} ${bad.problem} (${bad.message}) in ${where}; ${bad.records} records before it verified`);
  }
}
