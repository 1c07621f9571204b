import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { UserError, errorMessage } from "../../contracts/errors.ts";
import type { CrashReport } from "../../crash-reports/report.ts";
import { sendCrashReports } from "../../crash-reports/send.ts";
import {
  clearCrashReports,
  crashReportIds,
  crashReportsDir,
  markSent,
  readCrashReport,
} from "../../crash-reports/store.ts";
import { displayUrl } from "../../util/display-url.ts";
import { painter, printJson, printWarning } from "../output.ts";

/** Every readable report; an unreadable one is named on stderr and passed over, so the others still list and send. */
function allReports(): CrashReport[] {
  const dir = dataDir();
  return crashReportIds(dir).flatMap((id) => {
    try {
      return readCrashReport(dir, id) ?? [];
    } catch (error) {
      printWarning(errorMessage(error));
      return [];
    }
  });
}

function reportById(id: string): CrashReport {
  const report = readCrashReport(dataDir(), id);
  if (!report) throw new UserError(`no crash report ${id} (\`codetether crash list\` shows them)`);
  return report;
}

/** `crash list`: one line per report, oldest first. */
export function listCrashes(options: { json?: boolean }): void {
  const reports = allReports();
  const rows = reports.map((r) => ({
    id: r.id,
    created_at: r.created_at,
    version: r.version,
    command: r.command,
    error: r.error.name,
    sent_at: r.sent_at ?? null,
  }));
  if (options.json) return printJson({ reports: rows });
  if (!rows.length) {
    process.stdout.write(`no crash reports in ${crashReportsDir(dataDir())}\n`);
    return;
  }
  const paint = painter(process.stdout);
  for (const row of rows)
    process.stdout.write(
      `${paint("bold", row.id)}  ${row.created_at}  ${row.version}  ${row.command}  ${row.error}  ${row.sent_at ? `sent ${row.sent_at}` : paint("dim", "not sent")}\n`,
    );
}

/** `crash show ID`: the report exactly as stored and as `send` would post it. */
export function showCrash(id: string): void {
  process.stdout.write(`${JSON.stringify(reportById(id), null, 2)}\n`);
}

/** `crash send [ID]`: posts the given report, else every one not sent yet, to the endpoint. */
export async function sendCrashes(
  id: string | undefined,
  options: { endpoint?: string; config?: string; json?: boolean },
): Promise<void> {
  const endpoint = options.endpoint ?? loadConfig(options.config).config.telemetry.endpoint;
  if (!endpoint)
    throw new UserError("no endpoint to send to: set [telemetry] endpoint in config.toml, or pass --endpoint URL");
  const shown = displayUrl(endpoint);
  if (!/^https?:\/\//.test(endpoint)) throw new UserError(`--endpoint must be an http(s) URL: ${shown}`);
  const reports = id ? [reportById(id)] : allReports().filter((r) => !r.sent_at);
  if (reports.length) {
    try {
      await sendCrashReports(endpoint, reports);
    } catch (error) {
      // fetch's own errors quote the URL whole (one with a password in it, say)
      throw new UserError(`sending crash reports failed: ${(error as Error).message.replaceAll(endpoint, shown)}`);
    }
    const sentAt = new Date().toISOString();
    for (const report of reports) markSent(dataDir(), report, sentAt);
  }
  if (options.json) return printJson({ sent: reports.map((r) => r.id), endpoint: shown });
  process.stdout.write(
    reports.length ? `sent ${reports.length} crash report(s) to ${shown}\n` : "no unsent crash reports\n",
  );
}

/** `crash clear`: removes every report. */
export function clearCrashes(options: { json?: boolean }): void {
  const removed = clearCrashReports(dataDir());
  if (options.json) return printJson({ removed });
  process.stdout.write(`removed ${removed} crash report(s)\n`);
}
