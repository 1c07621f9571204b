// A finished or stopped `run` must end: no language server, helper or timer keeps it alive, signals and a
// closed output stop it within 2 s, and what it did is in the durable logs.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { CLI, fakeProviderToml, jsonLines, runCli, useFakeModelSandbox, type CliResult } from "../support/cli.ts";
import { mcpStdioCommand } from "../support/mcp-server.ts";

const model = ["-m", "fake/fake-model"];
const t = useFakeModelSandbox({ configure: true });

/** A `[lsp.typescript]` server in config.toml: `node -e <script>`. */
const withLanguageServer = (script: string) =>
  t.sandbox.writeConfig(
    `${fakeProviderToml(t.fake.url)}\n[lsp.typescript]\ncommand = ${JSON.stringify(process.execPath)}\nargs = ["-e", ${JSON.stringify(script)}]\n`,
  );
/** Leaves a helper behind in its process group, as tsls leaves tsserver. */
const HELPER = "require('child_process').spawn('sleep', ['600'], { stdio: 'ignore' });";

/** The command lines of processes whose working directory is in `dir` (language servers and their helpers). */
function processesIn(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) continue;
      found.push(readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim());
    } catch {
      // gone, or a zombie
    }
  }
  return found;
}

async function assertNothingLeftIn(dir: string): Promise<void> {
  for (let tries = 0; processesIn(dir).length && tries < 20; tries++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(processesIn(dir), [], "no process of the run is left");
}

interface TimedRun extends CliResult {
  /** From the answer on stdout to the exit. */
  answerToExitMs: number;
  /** From each `→ tool` line on stderr to its `✓`/`✗` line. */
  toolMs: number[];
  /** Command lines seen in the workspace while the run went on. */
  seen: Set<string>;
}

async function timedRun(args: string[], answer: string, onSpawn?: (child: ChildProcess) => void): Promise<TimedRun> {
  let answeredAt = 0;
  let toolStart = 0;
  const toolMs: number[] = [];
  const seen = new Set<string>();
  const watch = setInterval(() => processesIn(t.sandbox.workspace).forEach((p) => seen.add(p)), 100);
  const result = await runCli(t.sandbox, args, {
    timeoutMs: 60_000,
    onSpawn: (child) => {
      child.stdout!.on("data", (chunk) => {
        if (String(chunk).includes(answer)) answeredAt ||= Date.now();
      });
      child.stderr!.on("data", (chunk) => {
        for (const line of String(chunk).split("\n")) {
          if (line.startsWith("→")) toolStart = Date.now();
          if (/^[✓✗]/.test(line)) toolMs.push(Date.now() - toolStart);
        }
      });
      onSpawn?.(child);
    },
  });
  clearInterval(watch);
  return { ...result, answerToExitMs: Date.now() - answeredAt, toolMs, seen };
}

test("a run that edits .ts files with the language server present: edits are not held up, and the run exits within 2 s of its answer (first and cached run)", async () => {
  const { workspace } = t.sandbox;
  writeFileSync(join(workspace, "tsconfig.json"), '{"compilerOptions":{"strict":true,"noEmit":true}}');
  writeFileSync(join(workspace, "a.ts"), "export const x: number = 1;\n");
  for (const round of [1, 2]) {
    t.fake.push(
      [{ tool: "edit", input: { path: "a.ts", old_string: "= 1", new_string: "= 2" } }],
      // Time for the server to come up in the background: this edit waits for its diagnostics.
      { delayMs: 2000, items: [{ tool: "edit", input: { path: "a.ts", old_string: "= 2", new_string: '= "3"' } }] },
      `done ${round}`,
    );
    const r = await timedRun(["run", ...model, "edit a.ts"], `done ${round}`);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      [...r.seen].some((p) => p.includes("typescript-language-server")),
      `the language server ran: ${[...r.seen].join("; ")}`,
    );
    assert.equal(r.toolMs.length, 2, r.stderr);
    for (const ms of r.toolMs) assert.ok(ms < 1500, `an edit took ${ms} ms`);
    assert.ok(r.answerToExitMs < 2000, `exited ${r.answerToExitMs} ms after the answer`);
    await assertNothingLeftIn(workspace);
    writeFileSync(join(workspace, "a.ts"), "export const x: number = 1;\n");
    const cache = join(t.sandbox.env.XDG_CACHE_HOME!, "codetether-agent", "code-cache");
    assert.deepEqual(
      readdirSync(cache)
        .map((name) => name.split(/-\d+-\d+-v/)[0])
        .sort(),
      ["openai-compatible", "run"],
      "the second run loads the code caches (run.cjs's and its provider's) the first one wrote",
    );
  }
});

test("an lsp call whose server is missing, or crashes leaving a helper behind, fails in one line and the run still exits at once", async () => {
  writeFileSync(join(t.sandbox.workspace, "a.ts"), "export const x: number = 1;\n");
  const servers = {
    missing: () =>
      t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}\n[lsp.typescript]\ncommand = "/nonexistent/server"\n`),
    crashing: () => withLanguageServer(`${HELPER} process.exit(3);`),
  };
  for (const [name, configure] of Object.entries(servers)) {
    configure();
    for (const round of [1, 2]) {
      t.fake.push([{ tool: "lsp", input: { op: "hover", path: "a.ts", line: 1, column: 14 } }], `done ${round}`);
      const r = await timedRun(["run", ...model, "hover"], `done ${round}`);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^✗ lsp: (cannot start|language server 'typescript' failed initialize)[^\n]*$/m, name);
      assert.ok(r.answerToExitMs < 2000, `${name}: exited ${r.answerToExitMs} ms after the answer`);
      await assertNothingLeftIn(t.sandbox.workspace);
    }
  }
});

test("SIGTERM mid-tool (a language server that never answers) and SIGINT while waiting on the model end the run within 2 s, resumable", async () => {
  writeFileSync(join(t.sandbox.workspace, "a.ts"), "export const x: number = 1;\n");
  withLanguageServer(`${HELPER} process.stdin.resume();`);
  const stopWhen = (ready: (child: ChildProcess) => Promise<unknown>, signal: NodeJS.Signals) => {
    const sent = { at: 0 };
    const onSpawn = (child: ChildProcess) =>
      void ready(child).then(() => setTimeout(() => ((sent.at = Date.now()), child.kill(signal)), 300));
    return { sent, onSpawn };
  };
  const stderrLine = (prefix: string) => (child: ChildProcess) =>
    new Promise<void>((resolve) => child.stderr!.on("data", (c) => String(c).includes(prefix) && resolve()));

  for (const round of [1, 2]) {
    t.fake.push([{ tool: "lsp", input: { op: "hover", path: "a.ts", line: 1, column: 14 } }]);
    const midTool = stopWhen(stderrLine("→ lsp"), "SIGTERM");
    const r = await timedRun(["run", ...model, `hover ${round}`], "never", midTool.onSpawn);
    const stoppedIn = Date.now() - midTool.sent.at;
    assert.equal(r.code, 130, r.stderr);
    assert.ok(stoppedIn < 2000, `SIGTERM mid-tool: exited after ${stoppedIn} ms`);
    assert.match(r.stderr, /codetether: interrupted; resume with: codetether run --session ses_\w+/);
    await assertNothingLeftIn(t.sandbox.workspace);
  }

  const requests = t.fake.requests.length;
  t.fake.push({ items: [{ text: "partial" }], hang: true });
  const onModel = stopWhen(async () => {
    while (t.fake.requests.length === requests) await new Promise((r) => setTimeout(r, 20));
  }, "SIGINT");
  const r = await runCli(t.sandbox, ["run", ...model, "long task"], { onSpawn: onModel.onSpawn });
  const stoppedIn = Date.now() - onModel.sent.at;
  assert.equal(r.code, 130, r.stderr);
  assert.ok(stoppedIn < 2000, `SIGINT waiting on the model: exited after ${stoppedIn} ms`);
  assert.match(r.stderr, /interrupted; resume with/);

  t.fake.push("resumed fine");
  const again = await runCli(t.sandbox, ["run", ...model, "-c", "go on"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(JSON.stringify(t.fake.requests.at(-1)!.body.messages), /partial/);
});

test("run --json whose reader leaves after the first line stops cleanly: the event log and audit trail hold the run, and it resumes", async () => {
  // The run cannot end on its own: whichever write first finds the reader gone stops it.
  t.fake.push({ match: { lastUserContains: "first task" }, items: [{ text: "never read" }], hang: true });
  const child = spawn(process.execPath, [CLI, "run", "--json", ...model, "first task"], {
    cwd: t.sandbox.workspace,
    env: t.sandbox.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  let first = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    first += chunk;
    if (first.includes("\n")) child.stdout.destroy();
  });
  const [code] = await once(child, "exit");
  const sessionId = JSON.parse(first.split("\n")[0]!).sessionId as string;
  assert.equal(code, 130, stderr);
  assert.equal(stderr, "", "no EPIPE stack");

  const events = await runCli(t.sandbox, ["events", "tail", "--session", sessionId, "-n", "100", "--json"]);
  const records = jsonLines(events.stdout).map((line) => line.record);
  assert.deepEqual(
    [records[0]?.type, records.at(-1)?.type, records.at(-1)?.data?.reason],
    ["session", "finish", "aborted"],
    events.stdout,
  );
  const audit = await runCli(t.sandbox, ["audit", "query", "--session", sessionId, "--json"]);
  assert.deepEqual(
    (JSON.parse(audit.stdout).events as Array<Record<string, any>>).map((r) => `${r.action} ${r.status}`),
    ["session.start started", "session.end aborted"],
  );
  assert.equal((await runCli(t.sandbox, ["audit", "verify"])).code, 0);
  const replay = await runCli(t.sandbox, ["events", "replay", sessionId]);
  assert.match(replay.stdout, /^user: first task$/m);

  t.fake.push("resumed");
  const again = await runCli(t.sandbox, ["run", ...model, "--session", sessionId, "go on"]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(t.fake.requests.at(-1)!.prompt.users, ["first task", "go on"]);
});

test("a run killed while its model request hangs on a transport other than nodeFetch (Bedrock) leaves its records durable", async () => {
  let requests = 0;
  const hanging = createServer((req) => {
    requests++;
    req.resume();
  });
  await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = hanging.address() as AddressInfo;
    t.sandbox.writeConfig(`[providers.bedrock]\nbase_url = "http://127.0.0.1:${port}"\n`);
    const env = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret", AWS_REGION: "us-east-1" };
    const r = await runCli(t.sandbox, ["run", "-m", "bedrock/some.model-v1", "hanging task"], {
      env,
      onSpawn: (child) =>
        void (async () => {
          while (requests === 0) await new Promise((resolve) => setTimeout(resolve, 20));
          // Long enough for records to be durable, however the request was sent.
          await new Promise((resolve) => setTimeout(resolve, 1500));
          child.kill("SIGKILL");
        })(),
    });
    assert.equal(r.signal, "SIGKILL", r.stderr);
    const audit = await runCli(t.sandbox, ["audit", "query", "--json"]);
    assert.deepEqual(
      (JSON.parse(audit.stdout).events as Array<Record<string, any>>).map((record) => record.action),
      ["session.start"],
      audit.stderr,
    );
    const events = await runCli(t.sandbox, ["events", "tail", "-n", "100", "--json"]);
    assert.equal(jsonLines(events.stdout)[0]?.record.type, "session", events.stdout);
  } finally {
    hanging.close();
  }
});

test("a run whose preparation fails after its MCP servers and plugins started stops them and keeps the records made so far", async () => {
  const { sandbox } = t;
  // An MCP server that outlives the end of its stdin, as wrapped or careless servers do: only closing it stops it.
  const { command, args } = mcpStdioCommand();
  const server = [command, "--import", "data:text/javascript,setInterval(() => {}, 1e9)", ...args];
  sandbox.writeConfig(
    `${fakeProviderToml(t.fake.url)}[session]\nauto_save = false\n` +
      `[mcp.local]\ncommand = ${JSON.stringify(server[0])}\nargs = ${JSON.stringify(server.slice(1))}\n`,
  );
  // A plugin without a manifest is refused (and audited); a damaged database then fails the approvals step.
  mkdirSync(join(sandbox.env.XDG_CONFIG_HOME!, "codetether-agent", "plugins", "demo"), { recursive: true });
  mkdirSync(sandbox.dataDir, { recursive: true });
  writeFileSync(join(sandbox.dataDir, "codetether.db"), "not a database\n".repeat(100));

  const r = await runCli(sandbox, ["run", ...model, "hello"], { timeoutMs: 60_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^codetether: file is not a database$/m);
  assert.equal(t.fake.requests.length, 0);
  await assertNothingLeftIn(sandbox.workspace);
  const audit = await runCli(sandbox, ["audit", "query", "--action", "plugin.refused", "--json"]);
  assert.deepEqual(
    (JSON.parse(audit.stdout).events as Array<Record<string, any>>).map((record) => record.resource),
    ["plugin/demo"],
    audit.stderr,
  );
});
