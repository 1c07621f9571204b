// Signed plugins through the built CLI: keygen, sign, verify, list, a real MCP stdio plugin whose tool the
// scripted model calls in `codetether run` (sandboxed by bubblewrap), refusals (unsigned, tampered,
// edited manifest, untrusted key) audited and never started, and `GET /v1/plugins` on serve.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { fakeProviderToml, jsonLines, runCli, useFakeModelSandbox, type Sandbox } from "../support/cli.ts";
import { bodyOf, startServe, TOKEN } from "../a2a/serve-process.ts";

const t = useFakeModelSandbox();
const model = ["-m", "fake/fake-model"];

/**
 * A plugin's MCP stdio server: `lookup` answers, `probe` fetches a URL. On start it tries to leave a
 * marker in the working directory (the workspace), which only a plugin with `write` can.
 */
function serverSource(id: string): string {
  const sdk = (path: string) => JSON.stringify(import.meta.resolve(`@modelcontextprotocol/sdk/${path}`));
  return `import { readFileSync, writeFileSync } from "node:fs";
import { McpServer } from ${sdk("server/mcp.js")};
import { StdioServerTransport } from ${sdk("server/stdio.js")};
import { z } from ${JSON.stringify(import.meta.resolve("zod"))};
try { writeFileSync("started-${id}", "ran"); } catch {}
const server = new McpServer({ name: "${id}", version: "1.0.0" });
server.registerTool("lookup", { description: "Look a word up", inputSchema: { q: z.string() } }, async ({ q }) => ({
  content: [{ type: "text", text: "${id} says 42 for " + q }],
}));
server.registerTool("read", { description: "Read a file", inputSchema: { path: z.string() } }, async ({ path }) => {
  try {
    return { content: [{ type: "text", text: "read: " + JSON.stringify(readFileSync(path, "utf8")) }] };
  } catch (error) {
    return { content: [{ type: "text", text: "read failed: " + error.code }] };
  }
});
server.registerTool("probe", { description: "Fetch a URL", inputSchema: { url: z.string() } }, async ({ url }) => {
  try {
    const res = await fetch(url);
    return { content: [{ type: "text", text: "reached " + res.status }] };
  } catch (error) {
    return { content: [{ type: "text", text: "unreachable: " + (error.cause?.code ?? error.message) }] };
  }
});
await server.connect(new StdioServerTransport());
`;
}

function pluginDir(sandbox: Sandbox, id: string): string {
  return join(sandbox.env.XDG_CONFIG_HOME!, "codetether-agent", "plugins", id);
}

/** Writes `<config dir>/plugins/<id>/` with an unsigned manifest. */
function install(sandbox: Sandbox, id: string, capabilities: string[] = []): string {
  const dir = pluginDir(sandbox, id);
  mkdirSync(join(dir, "lib"), { recursive: true });
  writeFileSync(join(dir, "server.mjs"), serverSource(id));
  writeFileSync(join(dir, "lib", "data.txt"), "data\n");
  const manifest = { id, name: `Plugin ${id}`, version: "1.0.0", entry: "server.mjs", capabilities, timeout_secs: 20 };
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return dir;
}

async function keygen(sandbox: Sandbox, name: string): Promise<{ file: string; publicKey: string }> {
  const file = join(sandbox.root, `${name}.pem`);
  const r = await runCli(sandbox, ["plugin", "keygen", "--out", file]);
  assert.equal(r.code, 0, r.stderr);
  return { file, publicKey: r.stdout.trim() };
}

async function sign(sandbox: Sandbox, dir: string, keyFile: string): Promise<void> {
  const r = await runCli(sandbox, ["plugin", "sign", dir, "--key", keyFile]);
  assert.equal(r.code, 0, r.stderr);
}

function trust(sandbox: Sandbox, fakeUrl: string, ...keys: string[]): string {
  const toml = `[plugins]\ntrusted_keys = ${JSON.stringify(keys)}\n`;
  sandbox.writeConfig(`${fakeProviderToml(fakeUrl)}${toml}`);
  return toml;
}

/** The names of the tools the model was offered in its first request. */
function offeredTools(): string[] {
  return t.fake.requests[0]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name);
}

test("keygen writes a 0600 key and refuses to overwrite it; a signed, trusted plugin's tool reaches the model", async () => {
  const key = await keygen(t.sandbox, "key");
  assert.match(key.publicKey, /^ed25519:[A-Za-z0-9+/]{43}=$/);
  assert.equal(readFileSync(key.file, "utf8").startsWith("-----BEGIN PRIVATE KEY-----"), true);
  const { statSync } = await import("node:fs");
  assert.equal(statSync(key.file).mode & 0o777, 0o600);
  const again = await runCli(t.sandbox, ["plugin", "keygen", "--out", key.file]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^codetether: .*key\.pem already exists \(use --force to overwrite it\)\n$/);

  const dir = install(t.sandbox, "weather");
  await sign(t.sandbox, dir, key.file);
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  assert.deepEqual(Object.keys(manifest.files).sort(), ["lib/data.txt", "server.mjs"]);
  assert.equal(manifest.signed_by, key.publicKey);

  const untrusted = await runCli(t.sandbox, ["plugin", "verify", dir]);
  assert.equal(untrusted.code, 1);
  assert.match(untrusted.stderr, /^codetether: plugin 'weather' refused: signed by an untrusted key ed25519:/);
  trust(t.sandbox, t.fake.url, key.publicKey);
  const ok = await runCli(t.sandbox, ["plugin", "verify", dir, "--json"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).status, "verified");

  t.fake.push(
    [{ tool: "weather_lookup", input: { q: "rain" } }],
    [{ tool: "weather_read", input: { path: t.sandbox.configPath } }],
    "The plugin answered.",
  );
  const r = await runCli(t.sandbox, ["run", "--json", ...model, "look up rain"], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(offeredTools().includes("weather_lookup"), offeredTools().join(","));
  assert.match(JSON.stringify(t.fake.requests[1]!.body.messages.at(-1)), /weather says 42 for rain/);
  assert.equal(jsonLines(r.stdout).find((e) => e.type === "tool-completed")!.tool, "weather_lookup");
  // The config file (trusted keys, providers) is hidden from it.
  const read = JSON.stringify(t.fake.requests[2]!.body.messages.at(-1));
  assert.match(read, /read failed: E[A-Z]+|read: \\"\\"/);
  assert.doesNotMatch(read, /trusted_keys/);
  // Without `write` the workspace is read-only to it: its start-up marker could not be written.
  assert.equal(existsSync(join(t.sandbox.workspace, "started-weather")), false);
});

test("unsigned, tampered, edited and untrusted plugins are refused with the reason, audited and never started", async () => {
  const key = await keygen(t.sandbox, "key");
  const stranger = await keygen(t.sandbox, "stranger");
  trust(t.sandbox, t.fake.url, key.publicKey);
  // Each has `write`, so had it started it would have left its marker in the workspace.
  install(t.sandbox, "unsigned", ["write"]);
  const tampered = install(t.sandbox, "tampered", ["write"]);
  await sign(t.sandbox, tampered, key.file);
  writeFileSync(join(tampered, "lib", "data.txt"), "changed\n");
  const edited = install(t.sandbox, "edited", ["write"]);
  await sign(t.sandbox, edited, key.file);
  const manifestPath = join(edited, "manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, capabilities: ["write", "network", "exec"] }));
  const untrusted = install(t.sandbox, "untrusted", ["write"]);
  await sign(t.sandbox, untrusted, stranger.file);
  // Signed and trusted, but installed as a link to a folder elsewhere, which could change after the check.
  const linked = install(t.sandbox, "linked", ["write"]);
  await sign(t.sandbox, linked, key.file);
  renameSync(linked, join(t.sandbox.root, "linked"));
  symlinkSync(join(t.sandbox.root, "linked"), linked);

  const reasons: Record<string, RegExp> = {
    edited: /^signature invalid: the manifest was changed after signing/,
    linked: /^the plugin folder is a symlink: copy the folder in instead$/,
    tampered: /^tampered: file 'lib\/data\.txt' changed \(sha256 [0-9a-f]{12}…, signed [0-9a-f]{12}…\)$/,
    unsigned: /^unsigned/,
    untrusted: new RegExp(`^signed by an untrusted key ${stranger.publicKey.replace(/[+/]/g, "\\$&")}`),
  };
  for (const [id, reason] of Object.entries(reasons)) {
    const r = await runCli(t.sandbox, ["plugin", "verify", pluginDir(t.sandbox, id)]);
    assert.equal(r.code, 1, id);
    assert.equal(r.stderr.split("\n").length, 2, r.stderr); // one line
    assert.match(r.stderr.trim().replace(`codetether: plugin '${id}' refused: `, ""), reason);
  }

  const list = await runCli(t.sandbox, ["plugin", "list", "--json"]);
  assert.equal(list.code, 0, list.stderr);
  const listed = JSON.parse(list.stdout) as Array<{ id: string; status: string; reason: string }>;
  assert.deepEqual(
    listed.map((p) => [p.id, p.status]),
    Object.keys(reasons).map((id) => [id, "refused"]),
  );
  for (const plugin of listed) assert.match(plugin.reason, reasons[plugin.id]!);

  t.fake.push("Nothing to call.");
  const r = await runCli(t.sandbox, ["run", ...model, "hello"], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  for (const id of Object.keys(reasons)) {
    assert.match(r.stderr, new RegExp(`codetether: warning: plugin '${id}' refused: `));
    assert.equal(existsSync(join(t.sandbox.workspace, `started-${id}`)), false, id);
  }
  assert.deepEqual(
    offeredTools().filter((name) => name.endsWith("_lookup")),
    [],
  );
  const audit = await runCli(t.sandbox, ["audit", "query", "--action", "plugin.refused", "--json"]);
  assert.equal(audit.code, 0, audit.stderr);
  const records = JSON.parse(audit.stdout).events as Array<{ resource: string; details: { reason: string } }>;
  assert.deepEqual(
    records.map((e) => e.resource).sort(),
    Object.keys(reasons).map((id) => `plugin/${id}`),
  );
  for (const record of records) assert.match(record.details.reason, reasons[record.resource.slice(7)]!);
});

test("sign refuses an entry that is no file of the plugin and a key inside it; a bad [plugins] section fails doctor, run (leaving no session) and serve's start", async () => {
  const key = await keygen(t.sandbox, "key");
  const dir = install(t.sandbox, "odd");
  const manifestPath = join(dir, "manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, entry: "constructor" }));
  const entry = await runCli(t.sandbox, ["plugin", "sign", dir, "--key", key.file]);
  assert.equal(entry.code, 1);
  assert.match(entry.stderr, /^codetether: .*odd: entry 'constructor' is not a file of the plugin\n$/);
  writeFileSync(manifestPath, JSON.stringify(manifest));
  writeFileSync(join(dir, "signing.pem"), readFileSync(key.file));
  const inside = await runCli(t.sandbox, ["plugin", "sign", dir, "--key", join(dir, "signing.pem")]);
  assert.equal(inside.code, 1);
  assert.match(inside.stderr, /signing\.pem is inside the plugin: the private key would ship with it/);

  t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}[plugins]\ntrusted_keys = ["ed25519:abc"]\n`);
  const doctor = await runCli(t.sandbox, ["doctor", "--json"]);
  assert.equal(doctor.code, 1);
  const checks = JSON.parse(doctor.stdout) as Array<{ area: string; status: string; detail: string }>;
  const plugins = checks.find((c) => c.area === "plugins")!;
  assert.equal(plugins.status, "fail");
  assert.match(plugins.detail, /^invalid config \[plugins\]: 'plugins\.trusted_keys\.0': must be "ed25519:/);
  for (let i = 0; i < 2; i++) {
    const run = await runCli(t.sandbox, ["run", ...model, "hi"]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^codetether: invalid config \[plugins\]/);
  }
  const sessions = await runCli(t.sandbox, ["sessions", "list", "--json"]);
  assert.deepEqual(JSON.parse(sessions.stdout), [], "a run that failed to start leaves no session");
  const serve = await runCli(t.sandbox, ["serve", "--port", "0", "--grpc-port", "0"], {
    env: { CODETETHER_AUTH_TOKEN: TOKEN },
  });
  assert.equal(serve.code, 1, "serve refuses to start rather than fail every task");
  assert.match(serve.stderr, /^codetether: invalid config \[plugins\]/m);
});

test("a plugin without `network` cannot reach a loopback server; one with it can", async () => {
  const http = createServer((_req, res) => res.end("hello"));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  try {
    const key = await keygen(t.sandbox, "key");
    trust(t.sandbox, t.fake.url, key.publicKey);
    await sign(t.sandbox, install(t.sandbox, "offline"), key.file);
    await sign(t.sandbox, install(t.sandbox, "online", ["network"]), key.file);
    t.fake.push([{ tool: "offline_probe", input: { url } }], [{ tool: "online_probe", input: { url } }], "Done.");
    const r = await runCli(t.sandbox, ["run", ...model, "probe"], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(JSON.stringify(t.fake.requests[1]!.body.messages.at(-1)), /unreachable: ECONNREFUSED/);
    assert.match(JSON.stringify(t.fake.requests[2]!.body.messages.at(-1)), /reached 200/);
  } finally {
    http.closeAllConnections();
    http.close();
  }
});

test("GET /v1/plugins on serve lists the installed plugins behind authentication", async () => {
  const key = await keygen(t.sandbox, "key");
  await sign(t.sandbox, install(t.sandbox, "weather", ["network"]), key.file);
  install(t.sandbox, "unsigned");
  const toml = `[plugins]\ntrusted_keys = ${JSON.stringify([key.publicKey])}\n`;
  const serve = await startServe({ fake: t.fake, sandbox: t.sandbox, toml });
  try {
    const url = `${serve.endpoints.http}/v1/plugins`;
    assert.equal((await fetch(url)).status, 401);
    const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    const { plugins } = await bodyOf(res);
    assert.deepEqual(plugins, [
      {
        id: "unsigned",
        name: "Plugin unsigned",
        version: "1.0.0",
        status: "refused",
        reason: "unsigned (see: codetether plugin sign)",
        capabilities: [],
      },
      {
        id: "weather",
        name: "Plugin weather",
        version: "1.0.0",
        status: "verified",
        capabilities: ["network"],
        signed_by: key.publicKey,
      },
    ]);
  } finally {
    await serve.stop();
  }
});
