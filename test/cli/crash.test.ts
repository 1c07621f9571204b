// Opt-in crash reporting through the built CLI: a real crash (a corrupted store: the database file is not
// SQLite) while running a prompt with secrets in the environment, the report it leaves, the one-time
// notice on the next start, and `crash list|show|send|clear`.
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { once } from "node:events";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { CLI, makeSandbox, runCli, type Sandbox } from "../support/cli.ts";

const PROMPT = "summarize the PROMPTWORD quarterly plan";
const SECRETS = {
  ANTHROPIC_API_KEY: "sk-ant-api03-SECRETKEY0123456789abcdef",
  CODETETHER_AUTH_TOKEN: "auth-token-SECRETTOKEN42",
  MY_SERVICE_PASSWORD: "hunter2-SECRETPASS",
};

describe("crash reporting", () => {
  let sandbox: Sandbox;
  const reportsDir = () => join(sandbox.dataDir, "crash-reports");
  const reportFiles = () =>
    existsSync(reportsDir()) ? readdirSync(reportsDir()).filter((f) => f.endsWith(".json")) : [];
  /** A crash on a real path: the store exists but is not a database, which nothing expects. */
  const crashRun = () => {
    mkdirSync(sandbox.dataDir, { recursive: true });
    writeFileSync(
      join(sandbox.dataDir, "codetether.db"),
      `not a database: ${PROMPT} ${SECRETS.ANTHROPIC_API_KEY}`.repeat(200),
    );
    return runCli(sandbox, ["run", PROMPT, "-m", "fake/fake-model"], { env: SECRETS });
  };

  beforeEach(() => {
    sandbox = makeSandbox();
  });
  afterEach(() => sandbox.cleanup());

  it("is off by default: a crash leaves no report", async () => {
    const result = await crashRun();
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^codetether: file is not a database\n$/);
    assert.deepEqual(reportFiles(), []);
  });

  it("when on, saves a private report with no prompt, secret or user path, and tells the next start once", async () => {
    sandbox.writeConfig("[telemetry]\ncrash_reporting = true\n");
    const result = await crashRun();
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^codetether: file is not a database\n$/, "still one line, no stack");
    const [file] = reportFiles();
    assert.ok(file, "a report was saved");
    assert.equal(statSync(join(reportsDir(), file)).mode & 0o777, 0o600);
    assert.equal(statSync(reportsDir()).mode & 0o777, 0o700);
    const text = readFileSync(join(reportsDir(), file), "utf8");
    const report = JSON.parse(text);
    assert.equal(report.command, "run");
    assert.deepEqual(report.error, { name: "SqliteError", code: "SQLITE_NOTADB" });
    assert.match(report.version, /^\d+\.\d+\.\d+/);
    assert.ok(
      report.stack.some((frame: string) => /\(dist\/run\.cjs:\d+:\d+\)/.test(frame)),
      text,
    );
    for (const leak of ["PROMPTWORD", "quarterly", ...Object.values(SECRETS), sandbox.root, "file is not a database"])
      assert.ok(!text.includes(leak), `report holds ${leak}`);

    const first = await runCli(sandbox, ["config", "--path"]);
    assert.match(first.stderr, /a crash report was saved in .*crash-reports.*codetether crash list/);
    const second = await runCli(sandbox, ["config", "--path"]);
    assert.equal(second.stderr, "", "told once");
  });

  it("reports an uncaught exception and an unhandled rejection while a command runs", () => {
    sandbox.writeConfig("[telemetry]\ncrash_reporting = true\n");
    // The CLI's own bundle in a process where something outside any command's error handling fails later.
    const crashDuring = (failure: string, args: string[]) =>
      spawnSync(
        process.execPath,
        [
          "-e",
          `setTimeout(() => { ${failure} }, 100); process.argv.splice(1, Infinity, ${JSON.stringify([CLI, ...args]).slice(1, -1)}); require(${JSON.stringify(CLI)})`,
        ],
        { env: { ...sandbox.env, ...SECRETS }, cwd: sandbox.workspace, encoding: "utf8", timeout: 20_000 },
      );
    const thrown = crashDuring(`throw new TypeError("thrown ${PROMPT}")`, ["sessions", "list"]);
    assert.equal(thrown.status, 1);
    assert.match(thrown.stderr, /codetether: thrown summarize/);
    const rejected = crashDuring(`Promise.reject(new RangeError("rejected ${PROMPT}"))`, ["config", "--path"]);
    assert.equal(rejected.status, 1);
    const reports = reportFiles().map((file) => readFileSync(join(reportsDir(), file), "utf8"));
    assert.deepEqual(reports.map((text) => [JSON.parse(text).command, JSON.parse(text).error.name]).sort(), [
      ["config", "RangeError"],
      ["sessions list", "TypeError"],
    ]);
    for (const text of reports) assert.ok(!text.includes("PROMPTWORD"));
  });

  it("crash list, show, send (to [telemetry] endpoint or --endpoint) and clear", async () => {
    const received: any[] = [];
    const collector = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        received.push({ type: req.headers["content-type"], body: JSON.parse(body) });
        res.writeHead(204).end();
      });
    }).listen(0, "127.0.0.1");
    await once(collector, "listening");
    const endpoint = `http://127.0.0.1:${(collector.address() as { port: number }).port}/reports`;
    try {
      sandbox.writeConfig("[telemetry]\ncrash_reporting = true\n");
      await crashRun();
      const list = await runCli(sandbox, ["crash", "list", "--json"]);
      assert.equal(list.code, 0, list.stderr);
      assert.equal(list.stderr, "", "the crash command itself does not announce");
      const [row] = JSON.parse(list.stdout).reports;
      assert.equal(row.command, "run");
      assert.equal(row.sent_at, null);

      const show = await runCli(sandbox, ["crash", "show", row.id]);
      assert.equal(JSON.parse(show.stdout).id, row.id);
      const missing = await runCli(sandbox, ["crash", "show", "crash-20000101T000000Z-000000"]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /^codetether: no crash report crash-20000101T000000Z-000000/);
      assert.equal(reportFiles().length, 1, "a user error is not a crash");

      const nowhere = await runCli(sandbox, ["crash", "send"]);
      assert.equal(nowhere.code, 1);
      assert.match(nowhere.stderr, /no endpoint to send to: set \[telemetry\] endpoint/);
      assert.equal(received.length, 0);

      const sent = await runCli(sandbox, ["crash", "send", "--endpoint", endpoint, "--json"]);
      assert.equal(sent.code, 0, sent.stderr);
      assert.deepEqual(JSON.parse(sent.stdout), { sent: [row.id], endpoint });
      assert.equal(received[0].type, "application/json");
      assert.deepEqual(received[0].body, { reports: [JSON.parse(show.stdout)] }, "exactly what show prints");
      assert.ok(!JSON.stringify(received).includes("PROMPTWORD"));

      sandbox.writeConfig(`[telemetry]\ncrash_reporting = true\nendpoint = "${endpoint}"\n`);
      const again = await runCli(sandbox, ["crash", "send"]);
      assert.match(again.stdout, /no unsent crash reports/);
      const listed = await runCli(sandbox, ["crash", "list"]);
      assert.match(listed.stdout, new RegExp(`${row.id}.*run.*SqliteError.*sent `));
      const resend = await runCli(sandbox, ["crash", "send", row.id]);
      assert.match(resend.stdout, /sent 1 crash report\(s\) to http/);
      assert.equal(received.length, 2);

      const cleared = await runCli(sandbox, ["crash", "clear", "--json"]);
      assert.deepEqual(JSON.parse(cleared.stdout), { removed: 1 });
      assert.deepEqual(reportFiles(), []);
    } finally {
      collector.close();
    }
  });

  it("crash send never prints the endpoint's password or query key", async () => {
    const id = "crash-20261205T010101Z-cccccc";
    mkdirSync(reportsDir(), { recursive: true });
    const report = { id, created_at: "2026-12-05T01:01:01Z", version: "1", command: "run", error: {}, stack: [] };
    writeFileSync(join(reportsDir(), `${id}.json`), JSON.stringify(report));
    const collector = createServer((req, res) => req.resume().on("end", () => res.writeHead(204).end())).listen(0);
    await once(collector, "listening");
    const base = `http://127.0.0.1:${(collector.address() as { port: number }).port}/reports`;
    try {
      const withKey = await runCli(sandbox, ["crash", "send", id, "--endpoint", `${base}?key=INGESTKEY123`]);
      assert.equal(withKey.code, 0, withKey.stderr);
      assert.equal(withKey.stdout, `sent 1 crash report(s) to ${base}\n`);
      const json = await runCli(sandbox, ["crash", "send", id, "--json", "--endpoint", `${base}?key=INGESTKEY123`]);
      assert.deepEqual(JSON.parse(json.stdout), { sent: [id], endpoint: base });

      const withPassword = await runCli(sandbox, [
        "crash",
        "send",
        id,
        "--endpoint",
        base.replace("//", "//u:PASSW0RD@"),
      ]);
      assert.equal(withPassword.code, 1);
      assert.equal(withPassword.stderr.trim().split("\n").length, 1, withPassword.stderr);
      assert.match(withPassword.stderr, /sending crash reports failed: .*http:\/\/127\.0\.0\.1/);
      assert.doesNotMatch(withPassword.stderr + withPassword.stdout, /PASSW0RD/);
    } finally {
      collector.close();
    }
  });

  it("a report cut short while it was written is named in one line; the others still list", async () => {
    mkdirSync(reportsDir(), { recursive: true });
    const good = "crash-20261205T010101Z-aaaaaa";
    const cut = "crash-20261205T020202Z-bbbbbb";
    writeFileSync(
      join(reportsDir(), `${good}.json`),
      JSON.stringify({
        id: good,
        created_at: "2026-12-05T01:01:01Z",
        version: "1",
        command: "run",
        error: { name: "Error" },
        stack: [],
      }),
    );
    writeFileSync(join(reportsDir(), `${cut}.json`), '{"id": "crash-2026');
    const listed = await runCli(sandbox, ["crash", "list"]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^.*${good}.*run`));
    assert.match(
      listed.stderr,
      new RegExp(`^codetether: warning: unreadable crash report .*${cut}\\.json: .*crash clear\\)\n$`),
    );
    const shown = await runCli(sandbox, ["crash", "show", cut]);
    assert.equal(shown.code, 1);
    assert.match(shown.stderr, /^codetether: unreadable crash report .*\(remove it, or: codetether crash clear\)\n$/);
  });
});
