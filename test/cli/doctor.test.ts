// `codetether doctor` on a real setup: a custom provider, MCP servers (one reachable, one broken), a
// language server missing from PATH, then an invalid config.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fakeProviderToml, makeSandbox, runCli, type Sandbox } from "../support/cli.ts";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { startMcpHttpServer, type McpHttpServer } from "../support/mcp-server.ts";

let fake: FakeModel;
let http: McpHttpServer;
let sandbox: Sandbox;
before(async () => {
  fake = await startFakeModel();
  http = await startMcpHttpServer();
  sandbox = makeSandbox();
});
after(async () => {
  await fake.close();
  await http.close();
  sandbox.cleanup();
});

interface Check {
  area: string;
  status: string;
  detail: string;
}

test("doctor reports each area; a broken MCP server fails it, a missing language server only warns", async () => {
  sandbox.writeConfig(
    `[default]\nmodel = "fake/fake-model"\n${fakeProviderToml(fake.url)}` +
      `[mcp.remote]\nurl = "${http.url}"\n[mcp.broken]\ncommand = "/nonexistent/mcp-server"\n` +
      `[lsp.rust]\ncommand = "no-such-rust-analyzer"\nextensions = ["rs"]\n`,
  );
  const r = await runCli(sandbox, ["doctor", "--json"]);
  assert.equal(r.code, 1, "a failed check exits 1");
  const checks = JSON.parse(r.stdout) as Check[];
  const byArea = (area: string) => checks.find((c) => c.area === area) ?? assert.fail(`no ${area} check: ${r.stdout}`);
  assert.deepEqual(byArea("config"), { area: "config", status: "ok", detail: `${sandbox.configPath} (valid)` });
  assert.equal(byArea("data dir").status, "ok");
  assert.match(byArea("provider fake").detail, new RegExp(`^custom, ${fake.url}/v1 \\(1 model\\)$`));
  assert.deepEqual(byArea("default model"), { area: "default model", status: "ok", detail: "fake/fake-model" });
  assert.match(byArea("sandbox").status, /^(ok|warn)$/);
  assert.equal(byArea("lsp typescript").status, "ok");
  assert.deepEqual(byArea("lsp rust"), {
    area: "lsp rust",
    status: "warn",
    detail: "no-such-rust-analyzer not found on PATH (.rs get no diagnostics)",
  });
  assert.match(byArea("mcp remote").detail, /\(\d+ tools\)$/);
  assert.equal(byArea("mcp remote").status, "ok");
  assert.equal(byArea("mcp broken").status, "fail");
  assert.ok(checks.some((c) => c.area === "port 4096"));

  const text = await runCli(sandbox, ["doctor"]);
  assert.match(text.stdout, /^✓ default model +fake\/fake-model$/m);
  assert.match(text.stdout, /^✗ mcp broken +\/nonexistent\/mcp-server: /m);
  assert.match(text.stdout, /^! lsp rust +no-such-rust-analyzer not found/m);
});

test("doctor with an invalid config and no provider: both fail, the rest is still checked", async () => {
  sandbox.writeConfig(`[default]\nmax_steps = "many"\n`);
  const r = await runCli(sandbox, ["doctor", "--json"]);
  assert.equal(r.code, 1);
  const checks = JSON.parse(r.stdout) as Check[];
  const config = checks.find((c) => c.area === "config")!;
  assert.equal(config.status, "fail");
  assert.match(config.detail, /max_steps/);
  assert.equal(checks.find((c) => c.area === "default model")!.status, "fail");
  assert.ok(checks.some((c) => c.area === "sandbox"));
});

test("doctor fails an invalid agent file and a data dir that is a file; run says what is wrong in one line, and only a run of that agent fails", async () => {
  const home = makeSandbox();
  try {
    home.writeConfig(fakeProviderToml(fake.url));
    mkdirSync(join(home.workspace, ".codetether", "agents"), { recursive: true });
    writeFileSync(join(home.workspace, ".codetether", "agents", "broken.md"), "---\ndescription: x\n  mode: y\n---\n");
    const dataFile = join(home.root, "datafile");
    writeFileSync(dataFile, "");
    const env = { CODETETHER_DATA_DIR: dataFile };
    const r = await runCli(home, ["doctor", "--json"], { env });
    assert.equal(r.code, 1);
    const checks = JSON.parse(r.stdout) as Check[];
    assert.deepEqual(
      checks.filter((c) => c.status === "fail").map((c) => c.area),
      ["data dir", "agents"],
    );
    assert.match(checks.find((c) => c.area === "agents")!.detail, /^invalid agent file .*broken\.md: line 2/);
    assert.equal(checks.find((c) => c.area === "data dir")!.detail, `${dataFile} is not a directory`);
    const run = await runCli(home, ["run", "-m", "fake/fake-model", "hi"], { env });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `codetether: ${dataFile} cannot be a directory: a file is in the way\n`);
    fake.push("hello");
    const unrelated = await runCli(home, ["run", "-m", "fake/fake-model", "hi"]);
    assert.equal(unrelated.code, 0, unrelated.stderr);
    assert.equal(unrelated.stdout.trim(), "hello");
    const broken = await runCli(home, ["run", "-m", "fake/fake-model", "--agent", "broken", "hi"]);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /^codetether: invalid agent file .*broken\.md: line 2/);
  } finally {
    home.cleanup();
  }
});
