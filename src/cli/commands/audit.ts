import { examples } from "./examples.ts";
import { Command } from "commander";
import { parsePositive } from "../option-parsers.ts";

export function auditCommand(): Command {
  const audit = new Command("audit")
    .description("The tamper-evident audit trail: API calls, tool executions, session lifecycle")
    .addHelpText(
      "after",
      examples(
        "codetether audit verify",
        "codetether audit query --action tool.execute --session ses_123",
        "codetether audit head > /mnt/elsewhere/audit-head.jsonl",
      ),
    );
  audit
    .command("verify")
    .description(
      "Check the audit trail under the audit key: every record's HMAC and link, every signed head and the writers registry; exits non-zero naming the first edited, forged, deleted, reordered or cut-off record, or a deleted segment or writer",
    )
    .option("--head <file>", "also check against heads kept elsewhere (the output of `audit head`)")
    .option("--json", "one JSON object per writer stream")
    .addHelpText(
      "after",
      "\nThe key: Vault <mount>/codetether/audit (field key), else CODETETHER_AUDIT_KEY, else <config dir>/audit.key.\n\nExamples:\n  $ codetether audit verify\n  $ codetether audit head > /mnt/elsewhere/audit-head.jsonl   # later:\n  $ codetether audit verify --head /mnt/elsewhere/audit-head.jsonl\n  $ codetether audit verify --json | jq 'select(.ok == false)'",
    )
    .action(async (options: { json?: boolean; head?: string }) => {
      const { verifyAuditTrail } = await import("../audit/verify-audit.ts");
      await verifyAuditTrail(options);
    });
  audit
    .command("head")
    .description(
      "Print the newest signed head of every writer (JSON lines): keep it off this machine, then `audit verify --head FILE` catches records cut off since",
    )
    .addHelpText("after", "\nExamples:\n  $ codetether audit head > /mnt/elsewhere/audit-head.jsonl")
    .action(async () => {
      const { printAuditHeads } = await import("../audit/verify-audit.ts");
      await printAuditHeads();
    });
  audit
    .command("query")
    .description(
      "Find audit records by actor, action, resource, status, correlation ids, replica and time (oldest first)",
    )
    .option("--actor <actor>", "e.g. agent, token:1a2b3c4d5e6f, peer:127.0.0.1")
    .option("--action <action>", "e.g. tool.execute, session.start, session.end, api.http, api.grpc")
    .option("--resource <resource>", "e.g. tool/bash, /v1/tasks, session/ses_123")
    .option("--status <status>", "e.g. success, error, 200, 401")
    .option("--session <id>", "session_id")
    .option("--okr <id>", "okr_id")
    .option("--okr-run <id>", "okr_run_id")
    .option("--relay <id>", "relay_id")
    .option("--replica <id>", "replica_id (records of other replicas and of the SQLite mode never match)")
    .option("--from <time>", "records at or after this ISO 8601 time")
    .option("--to <time>", "records at or before this ISO 8601 time")
    .option("-n, --limit <n>", "records per page (at most 1000)", (v) => parsePositive(v, "--limit"), 100)
    .option("--cursor <cursor>", "continue after the page that printed this cursor")
    .option("--json", "one JSON object: {events, next_cursor}")
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether audit query --action tool.execute --session ses_123\n  $ codetether audit query --actor agent --from 2025-01-01T00:00:00Z --json | jq '.events[].resource'",
    )
    .action(async (options: Record<string, string | number | boolean | undefined>) => {
      const { queryAuditTrail } = await import("../audit/query-audit.ts");
      await queryAuditTrail(options);
    });
  return audit;
}
