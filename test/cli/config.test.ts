import assert from "node:assert/strict";
import { chmodSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { parseConfig } from "../../src/config/load.ts";
import { makeSandbox, runCli, type Sandbox } from "../support/cli.ts";

let sandbox: Sandbox;
beforeEach(() => (sandbox = makeSandbox()));
afterEach(() => sandbox.cleanup());

test("config --set writes typed values, validates, and --show prints the effective config", async () => {
  const set = await runCli(sandbox, [
    "config",
    "--set",
    "default.model=anthropic/claude-sonnet-4-20250514",
    "--set",
    "session.auto_save=false",
  ]);
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

test("--set of a default model or provider nobody can resolve is refused; a [providers] table makes one known", async () => {
  const r = await runCli(sandbox, ["config", "--set", "default.model=nosuch/foo"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^codetether: unknown provider 'nosuch' in model 'nosuch\/foo' \(known: .*anthropic.*\)\n$/);
  const provider = await runCli(sandbox, ["config", "--set", "default.provider=nosuch"]);
  assert.match(provider.stderr, /^codetether: unknown provider 'nosuch'/);
  const both = await runCli(sandbox, [
    "config",
    "--set",
    "providers.nosuch.type=openai-compatible",
    "--set",
    "providers.nosuch.base_url=http://127.0.0.1:9/v1",
    "--set",
    "default.model=nosuch/foo",
  ]);
  assert.equal(both.code, 0, both.stderr);
  assert.match(readFileSync(sandbox.configPath, "utf8"), /model = "nosuch\/foo"/);
});

test("an invalid --set is refused and leaves the file untouched", async () => {
  writeFileSync(sandbox.configPath, '# keep me\n[ui]\ntheme = "dark"\n');
  const r = await runCli(sandbox, ["config", "--set", "session.auto_save=maybe"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^codetether: 'session\.auto_save': .*expected boolean/);
  assert.equal(readFileSync(sandbox.configPath, "utf8"), '# keep me\n[ui]\ntheme = "dark"\n');
});

test("--set refuses an unknown key in one line with the nearest valid key, and leaves the file unchanged", async () => {
  const before = '[ui]\ntheme = "dark"\n';
  writeFileSync(sandbox.configPath, before);
  const cases: Array<[string, string]> = [
    ["ui.them=dark", "unknown key 'ui.them' (did you mean 'ui.theme'?)"],
    ["foo.bar=1", "unknown key 'foo'"],
    ["default.modle=x", "unknown key 'default.modle' (did you mean 'default.model'?)"],
    [
      "providers.local.bse_url=http://localhost:1/v1",
      "unknown key 'providers.local.bse_url' (did you mean 'providers.local.base_url'?)",
    ],
    ["mcp.gh.comand=gh-mcp", "unknown key 'mcp.gh.comand' (did you mean 'mcp.gh.command'?)"],
    ["bus.ulr=nats://localhost:4222", "unknown key 'bus.ulr' (did you mean 'bus.url'?)"],
  ];
  for (const [assignment, message] of cases) {
    const r = await runCli(sandbox, ["config", "--set", "ui.theme=light", "--set", assignment]);
    assert.equal(r.code, 1, assignment);
    assert.equal(r.stderr, `codetether: ${message}\n`);
    assert.equal(readFileSync(sandbox.configPath, "utf8"), before);
  }
});

test("--set ui.theme must name a theme: the nearest one and the list are given; a custom theme file counts", async () => {
  const r = await runCli(sandbox, ["config", "--set", "ui.theme=marketting"]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^codetether: 'ui\.theme': unknown theme 'marketting' \(did you mean 'marketing'\?\); themes: marketing, dark, light, solarized-dark, solarized-light \(custom themes go in .*\)\n$/,
  );
  assert.equal(readFileSync(sandbox.configPath, "utf8"), "");
  const themes = join(sandbox.env.XDG_CONFIG_HOME!, "codetether-agent", "themes");
  mkdirSync(themes, { recursive: true });
  writeFileSync(join(themes, "mine.toml"), 'extends = "dark"\n');
  const custom = await runCli(sandbox, ["config", "--set", "ui.theme=mine"]);
  assert.equal(custom.code, 0, custom.stderr);
  assert.match(readFileSync(sandbox.configPath, "utf8"), /theme = "mine"/);
});

test("--set accepts keys under open tables and feature sections as their schemas allow, and checks their values", async () => {
  const assignments = [
    "providers.ollama.type=openai-compatible",
    "providers.ollama.base_url=http://localhost:11434/v1",
    "providers.openai.store=true",
    "mcp.gh.url=https://mcp.example.com",
    "mcp.gh.headers.Authorization=t0k3n",
    "permission.bash=ask",
    "lsp.rust.command=rust-analyzer",
    "bus.url=nats://localhost:4222",
    "server.dispatch=workers",
    "websearch.provider=searxng",
    "archive.bucket=logs",
  ];
  const r = await runCli(sandbox, ["config", ...assignments.flatMap((a) => ["--set", a])]);
  assert.equal(r.code, 0, r.stderr);
  const shown = JSON.parse((await runCli(sandbox, ["config", "--show", "--json"])).stdout).config;
  assert.equal(shown.providers.ollama.base_url, "http://localhost:11434/v1");
  assert.equal(shown.providers.openai.store, true);
  assert.equal(shown.mcp.gh.url, "https://mcp.example.com");
  assert.equal(shown.permission.bash, "ask");
  assert.equal(shown.archive.bucket, "logs");
  const before = readFileSync(sandbox.configPath, "utf8");
  const bad = await runCli(sandbox, ["config", "--set", "mcp.gh.timeout=soon"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^codetether: 'mcp\.gh\.timeout': .*expected number/);
  // A problem elsewhere in the file is the file's: it is named.
  writeFileSync(sandbox.configPath, `${before}[telemetry]\ncrash_reports = true\n`);
  const elsewhere = await runCli(sandbox, ["config", "--set", "ui.theme=dark"]);
  assert.equal(
    elsewhere.stderr,
    `codetether: invalid config ${sandbox.configPath}: unknown key 'telemetry.crash_reports' (did you mean 'telemetry.crash_reporting'?)\n`,
  );
});

test("an invalid file names the key and the file; unknown keys are named too", async () => {
  writeFileSync(sandbox.configPath, '[default]\nmodle = "x"\n');
  const r = await runCli(sandbox, ["config", "--show"]);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.trim(),
    `codetether: invalid config ${sandbox.configPath}: unknown key 'default.modle' (did you mean 'default.model'?)`,
  );
  writeFileSync(sandbox.configPath, "[default\n");
  const bad = await runCli(sandbox, ["config", "--show"]);
  assert.match(bad.stderr, /invalid TOML in .*config\.toml \(line 1\)/);
});

test("[logs] segment limits: defaults of 64 MiB and 1d, a duration with its unit, a bad one in one line", async () => {
  const defaults = JSON.parse((await runCli(sandbox, ["config", "--show", "--json"])).stdout);
  assert.deepEqual(defaults.config.logs, { segment_max_bytes: 64 * 1024 * 1024, segment_max_age: "1d" });
  writeFileSync(sandbox.configPath, '[logs]\nsegment_max_bytes = 1048576\nsegment_max_age = "30m"\n');
  const set = JSON.parse((await runCli(sandbox, ["config", "--show", "--json"])).stdout);
  assert.deepEqual(set.config.logs, { segment_max_bytes: 1048576, segment_max_age: "30m" });
  writeFileSync(sandbox.configPath, '[logs]\nsegment_max_age = "1 day"\n');
  const bad = await runCli(sandbox, ["config", "--show"]);
  assert.equal(bad.code, 1);
  assert.equal(
    bad.stderr.trim(),
    `codetether: invalid config ${sandbox.configPath}: 'logs.segment_max_age': must be a duration such as "30m", "12h" or "1d"`,
  );
});

test("[logs] retention: retention_days and max_bytes are optional positive numbers", async () => {
  writeFileSync(sandbox.configPath, "[logs]\nretention_days = 0.5\nmax_bytes = 1048576\n");
  const set = JSON.parse((await runCli(sandbox, ["config", "--show", "--json"])).stdout);
  assert.deepEqual([set.config.logs.retention_days, set.config.logs.max_bytes], [0.5, 1048576]);
  writeFileSync(sandbox.configPath, "[logs]\nmax_bytes = -1\n");
  const bad = await runCli(sandbox, ["config", "--show"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^codetether: invalid config .*: 'logs\.max_bytes': [^\n]+\n$/);
});

test("the built CLI's zod, cut down to English messages (scripts/build.mjs), words errors as zod does", async () => {
  const text = '[session]\nauto_save = "maybe"\n';
  writeFileSync(sandbox.configPath, text);
  const fromSource = (() => {
    try {
      parseConfig(text, sandbox.configPath);
    } catch (error) {
      return (error as Error).message;
    }
  })();
  assert.match(fromSource!, /'session\.auto_save': Invalid input: expected boolean, received string$/);
  for (const args of [
    ["config", "--show"],
    ["run", "-m", "fake/fake-model", "hi"],
  ]) {
    const r = await runCli(sandbox, args);
    assert.equal(r.stderr.trim(), `codetether: ${fromSource}`, args[0]);
  }
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
  for (const secret of ["ghp_abcdefghijkl", "k-1234567890", "hunter22hunter22", "pa55word"])
    assert.ok(!r.stdout.includes(secret), secret);
  assert.match(r.stdout, /nats:\/\/admin:\*\*\*\*@nats\.example:4222/);
  const set = await runCli(sandbox, ["config", "--set", "mcp.github.headers.X-Token=another-secret-value"]);
  assert.equal(set.code, 0, set.stderr);
  assert.ok(!set.stdout.includes("another-secret-value"), set.stdout);
});

test("--show masks keys named like apikey, auth, pass, private_key*, secret, token and secrets in URL queries", async () => {
  const secrets = {
    apikey: "apikey-value-1",
    serviceApiKey: "camel-key-value-2",
    auth: "auth-value-3",
    db_pass: "pass-value-4",
    private_key_pem: "private-key-value-5",
    client_secret: "secret-value-6",
    refresh_token: "token-value-7",
    basicAuthPassword: "password-value-8",
  };
  writeFileSync(
    sandbox.configPath,
    `[example]\n${Object.entries(secrets)
      .map(([k, v]) => `${k} = "${v}"`)
      .join("\n")}\nmax_tokens = 4096\napi_key_env = "MY_KEY_VAR"\n` +
      `[mcp.remote]\nurl = "https://mcp.example.com/sse?api_key=query-value-9&region=eu&access_token=query-value-10"\n`,
  );
  const r = await runCli(sandbox, ["config", "--show", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  for (const secret of [...Object.values(secrets), "query-value-9", "query-value-10"])
    assert.ok(!r.stdout.includes(secret), `${secret} shown: ${r.stdout}`);
  assert.match(r.stdout, /"max_tokens":4096/);
  assert.match(r.stdout, /"api_key_env":"MY_KEY_VAR"/);
  assert.match(r.stdout, /sse\?api_key=\*\*\*\*&region=eu&access_token=\*\*\*\*/);
});

test("--set patches the file: its comments, order and formatting stay", async () => {
  const before = [
    "# My config: notes that matter",
    "[providers.local]",
    'type = "openai-compatible"   # the scripted one',
    'base_url = "http://127.0.0.1:9/v1"',
    "",
    "[ui]",
    "# dark at night",
    'theme = "dark"',
    "",
  ].join("\n");
  writeFileSync(sandbox.configPath, before);
  const r = await runCli(sandbox, ["config", "--set", "ui.theme=light", "--set", "session.auto_save=false"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    readFileSync(sandbox.configPath, "utf8"),
    before.replace('theme = "dark"', 'theme = "light"') + "\n[session]\nauto_save = false\n",
  );
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
  writeFileSync(other, '[ui]\ntheme = "light"\n');
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
