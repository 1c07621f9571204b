import { readFileSync } from "node:fs";
import { newestHeads, resolveAuditKey, verifyAudit, type SlotVerifyResult } from "../../audit/index.ts";
import { parseHeads } from "../../audit/signed-head.ts";
import { segmentFileName } from "../../events/log/index.ts";
import { dataDir } from "../../config/paths.ts";
import { auditDir } from "../../audit/paths.ts";
import { UserError } from "../../contracts/errors.ts";
import { painter, printJson, printWarning } from "../output.ts";

/**
 * `codetether audit verify [--head FILE]`: every writer stream's chain under the audit key, against
 * every signed head known (and those in FILE); fails naming the first problem.
 */
export async function verifyAuditTrail(options: { json?: boolean; head?: string }): Promise<void> {
  const key = await resolveAuditKey();
  const given = options.head === undefined ? undefined : { values: readHeads(options.head), source: options.head };
  const results = await verifyAudit(dataDir(), key, given);
  const paint = painter(process.stdout);
  for (const result of results) {
    if (options.json) printJson(result);
    else if (result.ok)
      process.stdout.write(
        `${paint("green", "ok")}  ${result.stream}: ${result.records} records, last seq ${result.last_seq}${removed(result.start_seq)}\n`,
      );
    if (result.ok && result.legacy > 0)
      printWarning(
        `${result.stream}: records 1-${result.legacy} are unkeyed (legacy, written before audit keys): only a signed head after them vouches for them`,
      );
  }
  if (!options.json && results.length === 0) process.stdout.write(`no audit records in ${auditDir(dataDir())}\n`);
  const bad = results.find((result) => !result.ok);
  if (bad && !bad.ok) throw new UserError(`audit trail broken: ${describe(bad)}`);
}

/** `codetether audit head`: the newest signed head of every writer, one JSON line each, to keep elsewhere. */
export async function printAuditHeads(): Promise<void> {
  const heads = newestHeads(dataDir(), await resolveAuditKey());
  if (heads.length === 0) throw new UserError(`no signed audit heads in ${auditDir(dataDir())}`);
  for (const head of heads) printJson(head);
}

function removed(startSeq: number | undefined): string {
  return startSeq ? ` (records 1-${startSeq} removed by [logs] retention, as signed in the writers registry)` : "";
}

function describe(bad: Extract<SlotVerifyResult, { ok: false }>): string {
  if (bad.segment === undefined || bad.offset === undefined) return `${bad.stream} ${bad.problem}: ${bad.message}`;
  const where = `${bad.stream}/${segmentFileName(bad.segment)} at byte ${bad.offset}`;
  return `record ${bad.seq ?? `#${bad.expected_seq}`} ${bad.problem} (${bad.message}) in ${where}; ${bad.records} records before it verified`;
}

/** A head file as `audit head` writes it (JSON lines), or one JSON object or array of heads. */
function readHeads(file: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UserError(`cannot read --head ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const heads = parseHeadFile(file, text);
  // An empty copy (a failed cron job) checks nothing: it must not pass as a verified head.
  if (heads.length === 0) throw new UserError(`--head ${file} holds no signed head (see: codetether audit head)`);
  return heads;
}

function parseHeadFile(file: string, text: string): unknown[] {
  try {
    const whole: unknown = JSON.parse(text);
    return Array.isArray(whole) ? whole : [whole];
  } catch {
    const { heads, bad } = parseHeads(text);
    if (bad.length) throw new UserError(`--head ${file}: line ${bad[0]} is not JSON`);
    return heads;
  }
}
