import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { auditDir } from "../../src/audit/paths.ts";
import { segmentPath } from "../../src/events/log/index.ts";
import { eventsDir } from "../../src/events/paths.ts";
import { fakeProviderToml, jsonLines, runCli, useFakeModelSandbox } from "../support/cli.ts";

const t = useFakeModelSandbox();

/** Inserts a line that is no record after the segment's second line: every later offset moves. */
function damage(dir: string): void {
  const path = segmentPath(join(dir, "writer-1"), 1);
  const lines = readFileSync(path, "utf8").split("\n");
  lines.splice(2, 0, "garbage");
  writeFileSync(path, lines.join("\n"));
}

test("a damaged events or audit segment is a one-line error of the reading command, not a crash report", async () => {
  t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}[telemetry]\ncrash_reporting = true\n`);
  t.fake.push([{ tool: "list_dir", input: {} }], "Listed.");
  const run = await runCli(t.sandbox, ["run", "--json", "-m", "fake/fake-model", "list"]);
  assert.equal(run.code, 0, run.stderr);
  const sessionId = jsonLines(run.stdout)[0]!.sessionId;
  damage(eventsDir(t.sandbox.dataDir));
  damage(auditDir(t.sandbox.dataDir));
  for (const args of [
    ["events", "replay", sessionId],
    ["events", "tail", "-n", "1000"],
    ["audit", "query", "--action", "tool.execute"],
  ]) {
    const result = await runCli(t.sandbox, args);
    assert.equal(result.code, 1, args.join(" "));
    assert.match(result.stderr, /^codetether: damaged log: .+\n$/, `${args.join(" ")}: ${result.stderr}`);
  }
  const crashes = await runCli(t.sandbox, ["crash", "list", "--json"]);
  assert.equal(crashes.code, 0, crashes.stderr);
  assert.deepEqual(JSON.parse(crashes.stdout).reports, [], "no crash report for damaged data");
});
