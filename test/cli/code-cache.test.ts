import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, join } from "node:path";
import { test } from "node:test";
import { LogBusyError } from "../../src/events/log/index.ts";
import { UserError } from "../../src/contracts/errors.ts";
import { fakeProviderToml, jsonLines, runCli, useFakeModelSandbox } from "../support/cli.ts";
import { mcpStdioCommand } from "../support/mcp-server.ts";

const t = useFakeModelSandbox({ configure: true });
const cacheFiles = () => {
  const dir = join(t.sandbox.env.XDG_CACHE_HOME!, "codetether-agent", "code-cache");
  try {
    return readdirSync(dir).map((name) => join(dir, name));
  } catch {
    return [];
  }
};
/** The cache of a bundle: run.cjs's, or a provider's (dist/providers/<name>.cjs, loaded when chosen). */
const cacheOf = (bundle: string) => cacheFiles().find((file) => basename(file).split(/-\d+-\d+-v/)[0] === bundle);
const run = () => {
  t.fake.push("ok");
  return runCli(t.sandbox, ["run", "-m", "fake/fake-model", "hi"]);
};

test("run stores its compiled code after a successful run, reuses it, and replaces a damaged cache", async () => {
  const failed = await runCli(t.sandbox, ["run", "-m", "nope/none", "hi"]);
  assert.equal(failed.code, 1);
  assert.deepEqual(cacheFiles(), [], "a failed run leaves no cache");

  assert.equal((await run()).code, 0);
  const cache = cacheOf("run");
  assert.ok(cache && statSync(cache).size > 100_000, "the cache holds the run's compiled code");
  const written = statSync(cache).mtimeMs;

  const second = await run();
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout.trim(), "ok");
  assert.equal(statSync(cache).mtimeMs, written, "an accepted cache is not rewritten");

  writeFileSync(cache, "not a code cache");
  const third = await run();
  assert.equal(third.code, 0, third.stderr);
  assert.equal(third.stderr, "", "no warning about the cache or the loader");
  assert.notEqual(readFileSync(cache, "utf8"), "not a code cache");
  assert.ok(statSync(cache).size > 100_000);

  // A cache others could have written is code nobody vouches for: not loaded, replaced by a private one.
  chmodSync(cache, 0o666);
  const fourth = await run();
  assert.equal(fourth.code, 0, fourth.stderr);
  assert.equal(statSync(cache).mode & 0o777, 0o600);
});

test("a run that outlasts its lean first second still leaves a cache the next run accepts", async () => {
  for (const cache of cacheFiles()) rmSync(cache);
  // Past the first second V8's usual flags return; the cache must still be stamped with the lean ones.
  t.fake.push({ items: [{ text: "slow ok" }], delayMs: 1500 });
  const slow = await runCli(t.sandbox, ["run", "-m", "fake/fake-model", "hi"]);
  assert.equal(slow.code, 0, slow.stderr);
  const cache = cacheOf("run");
  assert.ok(cache, "the slow run wrote a cache");
  const written = statSync(cache).mtimeMs;
  assert.equal((await run()).code, 0);
  assert.equal(statSync(cache).mtimeMs, written, "the next run rejected the slow run's cache and rewrote it");
});

/** A source file of the project, as a string literal for a script's import(). */
const src = (file: string) => JSON.stringify(new URL(`../../src/${file}`, import.meta.url).pathname);
/** Runs an ES module script in a fresh node (with tsx) in the sandbox; its stdout. */
const runModule = (code: string) =>
  execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    cwd: new URL("../..", import.meta.url).pathname,
    env: t.sandbox.env,
    encoding: "utf8",
  });

test("a bundle loaded after the lean first second (a provider chosen late) leaves a cache the next such load accepts", () => {
  const bundle = join(t.sandbox.workspace, "late.cjs");
  writeFileSync(bundle, `(function (exports, require, module) { module.exports = () => "late"; })`);
  const loadLate = () =>
    runModule(
      `const { startLean } = await import(${src("util/lean-start.ts")});
      const { loadCached } = await import(${src("cli/code-cache.ts")});
      startLean();
      await new Promise((resolve) => setTimeout(resolve, 1200));
      process.stdout.write(loadCached(${JSON.stringify(bundle)})());`,
    );
  assert.equal(loadLate(), "late");
  const cache = cacheOf("late");
  assert.ok(cache, "the load left a cache");
  const written = statSync(cache).mtimeMs;
  assert.equal(loadLate(), "late");
  assert.equal(statSync(cache).mtimeMs, written, "the next load rejected the cache and rewrote it");
});

// npm installs every file of a package with the same mtime (1985-10-26), and V8 checks only the length of
// the source a cache was made from: an upgrade that keeps a bundle's size must not run the old one's code.
test("a bundle replaced by another of the same size and mtime runs its own code, not the cached code", () => {
  const bundle = join(t.sandbox.workspace, "bundle.cjs");
  const install = (answer: string) => {
    writeFileSync(bundle, `(function (exports, require, module) { module.exports = () => "${answer}"; })`);
    utimesSync(bundle, 499162500, 499162500);
  };
  const load = () =>
    runModule(
      `const { loadBundle } = await import(${src("cli/code-cache.ts")}); process.stdout.write(loadBundle(${JSON.stringify(bundle)})());`,
    );
  install("old");
  assert.equal(load(), "old");
  assert.ok(cacheOf("bundle"), "the load left a cache");
  assert.equal(load(), "old");
  install("new");
  assert.equal(load(), "new");
});

test("a missing bundle (a broken install) is a one-line error that says to reinstall", async () => {
  const { loadCached } = await import("../../src/cli/code-cache.ts");
  const missing = join(t.sandbox.workspace, "providers", "gone.cjs");
  assert.throws(
    () => loadCached(missing),
    (error) =>
      error instanceof UserError &&
      error.message === `${missing} is missing: this codetether install is incomplete (reinstall it)`,
  );
});

/** A page for webfetch; any other request gets the error a Bedrock endpoint sends for an unknown model. */
async function startWebAndBedrock() {
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/page") {
      res.writeHead(200, { "content-type": "text/html" }).end("<h1>Cached page</h1>");
      return;
    }
    req.resume();
    res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ message: "no such model here" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

// Tools and providers whose code run.cjs loads only when used: from the code cache they once failed with
// 'A dynamic import callback was not specified', on every run after the first.
test("every provider and the lazily loaded tools work on the cold run and on the run from the code cache", async () => {
  const web = await startWebAndBedrock();
  try {
    const { command, args } = mcpStdioCommand();
    t.sandbox.writeConfig(
      `${fakeProviderToml(t.fake.url)}[mcp.local]\ncommand = ${JSON.stringify(command)}\nargs = ${JSON.stringify(args)}\n` +
        `[providers.bedrock]\nbase_url = "${web.url}"\n` +
        fakeProviderToml(t.fake.url, "openai") +
        fakeProviderToml(t.fake.url, "anthropic") +
        fakeProviderToml(t.fake.url, "google") +
        `[permission.private_network]\n"${web.url}/*" = "allow"\n`,
    );
    writeFileSync(join(t.sandbox.workspace, "retry.ts"), "export function retryWithBackoff() {}\n");
    const bedrockEnv = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret", AWS_REGION: "us-east-1" };
    const tools = ["grep", "codesearch", "webfetch", "local_echo"];
    let written: number[] = [];
    for (const pass of ["cold", "warm"]) {
      // A failed run writes no cache: on the cold pass this runs without one, on the warm pass from it.
      const bedrock = await runCli(t.sandbox, ["run", "-m", "bedrock/some.model-v1", "hi"], { env: bedrockEnv });
      assert.notEqual(bedrock.code, 0);
      assert.match(bedrock.stderr, /no such model here/, `${pass}: ${bedrock.stderr}`);
      assert.doesNotMatch(bedrock.stderr, /dynamic import/, pass);

      // Every other provider (bundled, not loaded lazily) answers on both passes too.
      for (const [model, env] of [
        ["openai", "OPENAI_API_KEY"],
        ["anthropic", "ANTHROPIC_API_KEY"],
        ["google", "GEMINI_API_KEY"],
        ["fake/fake-model", ""],
      ] as const) {
        t.fake.push(`${model} answers`);
        const r = await runCli(t.sandbox, ["run", "-m", model, "hi"], { env: env ? { [env]: "test-key" } : {} });
        assert.equal(r.code, 0, `${pass} ${model}: ${r.stderr}`);
        assert.equal(r.stdout.trim(), `${model} answers`, `${pass} ${model}`);
      }

      t.fake.push(
        [
          { tool: "grep", input: { pattern: "retryWithBackoff" } },
          { tool: "codesearch", input: { query: "retry backoff" } },
          { tool: "webfetch", input: { url: `${web.url}/page` } },
          { tool: "local_echo", input: { text: "ping" } },
        ],
        "done",
      );
      const r = await runCli(t.sandbox, ["run", "--json", "-m", "fake/fake-model", "use the tools"]);
      assert.equal(r.code, 0, `${pass}: ${r.stderr}`);
      const completed = jsonLines(r.stdout).filter((e) => e.type === "tool-completed");
      assert.deepEqual(completed.map((e) => e.tool).sort(), [...tools].sort(), `${pass}: ${r.stdout}`);
      const results = JSON.stringify(t.fake.requests.at(-1)!.body.messages);
      for (const expected of ["retry.ts", "Cached page", "echo: ping"])
        assert.ok(results.includes(expected), `${pass}: ${results}`);
      assert.doesNotMatch(results, /dynamic import/, pass);
      const caches = ["run", "openai", "anthropic", "google", "openai-compatible"].map((bundle) => {
        const cache = cacheOf(bundle);
        assert.ok(cache, `${pass}: a successful run leaves a code cache of ${bundle}`);
        return statSync(cache).mtimeMs;
      });
      if (pass === "cold") written = caches;
      else assert.deepEqual(caches, written, "the warm runs used the caches (not rewritten)");
    }
  } finally {
    web.close();
  }
});

test("a UserError from another copy of the class (run's bundle) is still a UserError", () => {
  const fromOtherCopy = Object.assign(new Error("session not found: x"), {
    [Symbol.for("codetether.UserError")]: true,
    exitCode: 2,
  });
  assert.ok(fromOtherCopy instanceof UserError);
  assert.ok(!(new Error("plain") instanceof UserError));
  const busy = new LogBusyError("/tmp/log", 1);
  assert.ok(busy instanceof UserError && busy instanceof LogBusyError);
  assert.ok(!(new UserError("x") instanceof LogBusyError));
});

test("serve loads from serve.cjs: it stores its compiled code when it stops, and the next serve reuses it", async () => {
  const { startServe, TOKEN } = await import("../a2a/serve-process.ts");
  for (const cache of cacheFiles()) rmSync(cache);
  const send = async (jsonrpc: string) => {
    t.fake.push("ok");
    const res = await fetch(jsonrpc, {
      method: "POST",
      headers: { "content-type": "application/json", "a2a-version": "1.0", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "SendMessage",
        params: { message: { messageId: `m-${Date.now()}`, role: "ROLE_USER", parts: [{ text: "hi" }] } },
      }),
    });
    return ((await res.json()) as { result?: { task?: { status?: { state?: string } } } }).result?.task?.status?.state;
  };
  const first = await startServe({ fake: t.fake, sandbox: t.sandbox });
  assert.equal(await send(first.endpoints.jsonrpc), "TASK_STATE_COMPLETED");
  assert.equal(await first.stop(), 0, first.stderr());
  const cache = cacheOf("serve");
  assert.ok(cache && statSync(cache).size > 100_000, "the cache holds serve's compiled code");
  const written = statSync(cache).mtimeMs;

  const second = await startServe({ fake: t.fake, sandbox: t.sandbox });
  assert.equal(await send(second.endpoints.jsonrpc), "TASK_STATE_COMPLETED");
  assert.equal(await second.stop(), 0, second.stderr());
  assert.equal(statSync(cache).mtimeMs, written, "an accepted cache is not rewritten");
  assert.equal(second.stderr(), "", "no warning about the cache or the loader");
});
