import assert from "node:assert/strict";
import { chmodSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { makeSandbox, runCli, type Sandbox } from "../support/cli.ts";

let sandbox: Sandbox;
beforeEach(() => (sandbox = makeSandbox()));
afterEach(() => sandbox.cleanup());

test("config --set writes typed values, validates, and --show prints the effective config", async () => {
  const set = await runCli(sandbox, ["config", "--set", "default.model=anthropic/claude-sonnet-4-20250514", "--set", "session.auto_save=false"]);
  assert.equal(set.code, 0, set.stderr);
  const text = readFileSync(sandbox.configPath, "utf8");
  assert.match(text, /model = "anthropic\/claude-sonnet-4-20250514"/);
  assert.match(text, /auto_save = false/);
  const show = await runCli(sandbox, ["config", "--show", "--json"]);
  const shown = JSON.parse(show.stdout);
  assert.equal(shown.config.default.model, "anthropic/claude-sonnet-4-20250514");
  assert.equal(shown.config.session.auto_save, false);
  assert.equal(shown.config.ui.theme, "marketing");
  assert.equal(shown.data_dir, sandbox.dataDir);
});

test("an invalid --set is refused and leaves the file untouched", async () => {
  writeFileSync(sandbox.configPath, "# keep me\n[ui]\ntheme = \"dark\"\n");
  const r = await runCli(sandbox, ["config", "--set", "session.auto_save=maybe"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /invalid config .*'session\.auto_save'/);
  assert.equal(readFileSync(sandbox.configPath, "utf8"), "# keep me\n[ui]\ntheme = \"dark\"\n");
});

test("an invalid file names the key and the file; unknown keys are named too", async () => {
  writeFileSync(sandbox.configPath, "[default]\nmodle = \"x\"\n");
  const r = await runCli(sandbox, ["config", "--show"]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), `codetether: invalid config ${sandbox.configPath}: unknown key 'default.modle'`);
  writeFileSync(sandbox.configPath, "[default\n");
  const bad = await runCli(sandbox, ["config", "--show"]);
  assert.match(bad.stderr, /invalid TOML in .*config\.toml \(line 1\)/);
});

test("secrets in config are masked by --show", async () => {
  writeFileSync(sandbox.configPath, `[server]\nauth_token = "super-secret-token-value"\n`);
  const r = await runCli(sandbox, ["config", "--show"]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /super-secret-token-value/);
  assert.match(r.stdout, /supe…ue/);
});

test("--show masks header and env values and URL passwords too", async () => {
  writeFileSync(
    sandbox.configPath,
    `[mcp.github]\nurl = "https://mcp.example.com"\nheaders = { Authorization = "Bearer ghp_abcdefghijkl", "X-Api-Key" = "k-1234567890" }\nenv = { SECRET_THING = "hunter22hunter22" }\n[bus]\nurl = "nats://admin:pa55word@nats.example:4222"\n`,
  );
  const r = await runCli(sandbox, ["config", "--show"]);
  assert.equal(r.code, 0, r.stderr);
  for (const secret of ["ghp_abcdefghijkl", "k-1234567890", "hunter22hunter22", "pa55word"]) assert.ok(!r.stdout.includes(secret), secret);
  assert.match(r.stdout, /nats:\/\/admin:\*\*\*\*@nats\.example:4222/);
  const set = await runCli(sandbox, ["config", "--set", "server.auth_token=another-secret-value"]);
  assert.equal(set.code, 0, set.stderr);
  assert.ok(!set.stdout.includes("another-secret-value"), set.stdout);
});

test("--set keeps the file's permissions and writes through a symlink to the real file", async () => {
  const real = join(sandbox.root, "dotfiles-config.toml");
  writeFileSync(real, `[default]\nagent = "build"\n`);
  chmodSync(real, 0o600);
  const link = join(sandbox.root, "linked.toml");
  symlinkSync(real, link);
  const r = await runCli(sandbox, ["config", "--config", link, "--set", "default.agent=plan"]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.match(readFileSync(real, "utf8"), /agent = "plan"/);
  assert.equal(statSync(real).mode & 0o777, 0o600);
});

test("--config and XDG_CONFIG_HOME choose the file", async () => {
  const other = join(sandbox.root, "other.toml");
  writeFileSync(other, "[ui]\ntheme = \"light\"\n");
  const r = await runCli(sandbox, ["--config", other, "config", "--show", "--json"]);
  assert.equal(JSON.parse(r.stdout).config.ui.theme, "light");
  const env = { CODETETHER_CONFIG: "" };
  const path = await runCli(sandbox, ["config", "--path"], { env });
  assert.equal(path.stdout.trim(), join(sandbox.env.XDG_CONFIG_HOME!, "codetether-agent", "config.toml"));
});

test("--help lists the commands with examples; --version prints the version", async () => {
  const help = await runCli(sandbox, ["--help"]);
  assert.match(help.stdout, /run \[options\] \[prompt\.\.\.\]/);
  const runHelp = await runCli(sandbox, ["run", "--help"]);
  assert.match(runHelp.stdout, /Examples:/);
  const version = await runCli(sandbox, ["--version"]);
  assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
});
