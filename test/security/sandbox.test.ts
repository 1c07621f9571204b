// A prompt-injected task through the real CLI and the scripted fake model: every command bash runs is
// confined (bubblewrap, rlimits, scrubbed environment); what the sandbox stops comes back to the model
// as a tool error and is audited as `sandbox.violation`.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import { fakeProviderToml, jsonLines, runCli, useFakeModelSandbox } from "../support/cli.ts";

const t = useFakeModelSandbox({ configure: true });

const SECRETS = {
  CODETETHER_AUTH_TOKEN: "ct-auth-secret-1",
  VAULT_TOKEN: "vault-secret-2",
  OPENAI_API_KEY: "sk-openai-secret-3",
  AWS_SECRET_ACCESS_KEY: "aws-secret-4",
  GOOGLE_APPLICATION_CREDENTIALS: "/secret/gcp-5.json",
  DB_PASSWORD: "db-secret-6",
  MY_LLM: "custom-provider-secret-7",
};

function configure(sandboxToml: string): void {
  t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}\n${sandboxToml}\n`);
}

/** Runs one task whose model calls bash with each command, then answers "done". */
async function runCommands(commands: Array<string | { command: string; timeout?: number }>, env = {}) {
  t.fake.push(
    commands.map((c) => ({ tool: "bash", input: typeof c === "string" ? { command: c } : c })),
    "done",
  );
  const r = await runCli(t.sandbox, ["run", "--json", "-m", "fake/fake-model", "go"], { env });
  assert.equal(r.code, 0, r.stderr);
  const events = jsonLines(r.stdout);
  const outcome = (command: string) => {
    const call = events.find((e) => e.type === "tool-running" && e.input.command === command);
    const end = events.find(
      (e) => (e.type === "tool-completed" || e.type === "tool-error") && e.callId === call?.callId,
    );
    assert.ok(end, `no outcome for ${command}`);
    return end as { type: string; output?: string; error?: string };
  };
  return { ...r, outcome, sent: JSON.stringify(t.fake.requests[1]!.body.messages) };
}

async function sandboxAudit(action = "sandbox.violation"): Promise<Array<Record<string, any>>> {
  const r = await runCli(t.sandbox, ["audit", "query", "--action", action, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).events;
}

test("secrets in the environment never reach a command; config, data dir and ~/.ssh are hidden", async () => {
  configure(
    '[sandbox]\nenv_allow = ["KEPT_TOKEN"]\n\n[providers.custom]\ntype = "openai-compatible"\nbase_url = "http://127.0.0.1:9/v1"\napi_key_env = "MY_LLM"',
  );
  mkdirSync(join(t.sandbox.root, ".ssh"));
  writeFileSync(join(t.sandbox.root, ".ssh", "id_ed25519"), "PRIVATE KEY");
  const r = await runCommands(
    [
      'echo "token=$CODETETHER_AUTH_TOKEN vault=$VAULT_TOKEN"',
      "env",
      `cat ${t.sandbox.configPath} ~/.ssh/id_ed25519; ls -A ${t.sandbox.dataDir}`,
    ],
    { ...SECRETS, KEPT_TOKEN: "allowed-by-config", HARMLESS: "visible" },
  );
  for (const value of Object.values(SECRETS)) assert.doesNotMatch(r.sent, new RegExp(value), value);
  assert.equal(r.outcome('echo "token=$CODETETHER_AUTH_TOKEN vault=$VAULT_TOKEN"').output, "token= vault=");
  const env = r.outcome("env").output!;
  assert.match(env, /HARMLESS=visible/);
  // Scrubbed, not merely redacted: the names are not there at all (an allowed one is, its value redacted).
  for (const name of Object.keys(SECRETS)) assert.doesNotMatch(env, new RegExp(`^${name}=`, "m"), name);
  assert.match(env, /^KEPT_TOKEN=/m);
  const hidden = r.outcome(`cat ${t.sandbox.configPath} ~/.ssh/id_ed25519; ls -A ${t.sandbox.dataDir}`);
  assert.doesNotMatch(JSON.stringify(hidden), /fake-model|PRIVATE KEY|sessions|events/);
});

test("writes outside the workspace and into the data dir are refused, told to the model and audited", async () => {
  // Outside /tmp (the sandbox's /tmp is a private one): this process's home directory.
  const outside = join(homedir(), `.codetether-escape-${process.pid}`);
  const inData = join(t.sandbox.dataDir, "planted.txt");
  const inTmp = join(t.sandbox.root, "tmp-outside.txt");
  try {
    const r = await runCommands([
      `echo pwned > ${outside}`,
      `echo pwned > ${inData}`,
      `echo x > ${inTmp}`,
      "echo ok > inside.txt",
    ]);
    for (const command of [`echo pwned > ${outside}`, `echo pwned > ${inData}`]) {
      const end = r.outcome(command);
      assert.equal(end.type, "tool-error");
      assert.match(end.error!, /Read-only file system\n\[sandbox: writing outside the workspace is not allowed/);
    }
    assert.match(r.sent, /sandbox: writing outside the workspace is not allowed/);
    assert.equal(existsSync(outside), false);
    assert.equal(existsSync(inData), false);
    // What the host's /tmp held is replaced by the private one: a write there stays in the sandbox.
    assert.equal(r.outcome(`echo x > ${inTmp}`).type, "tool-completed");
    assert.equal(existsSync(inTmp), false);
    assert.equal(r.outcome("echo ok > inside.txt").type, "tool-completed");
    assert.equal(existsSync(join(t.sandbox.workspace, "inside.txt")), true);
    const audit = await sandboxAudit();
    assert.deepEqual(audit.map((a) => [a.status, a.resource, a.details.command]).sort(), [
      ["write", "tool/bash", `echo pwned > ${outside}`],
      ["write", "tool/bash", `echo pwned > ${inData}`],
    ]);
  } finally {
    rmSync(outside, { force: true });
  }
});

test(
  "a command has no capabilities, even when codetether runs as root: what hides the data dir cannot be unmounted",
  {
    skip: process.getuid?.() !== 0 && "only root's commands had capabilities",
  },
  async () => {
    const unmount = `umount -l ${t.sandbox.dataDir} 2>/dev/null; ls -A ${t.sandbox.dataDir} | wc -l`;
    const remount = "mount -o remount,bind,rw / 2>/dev/null && echo remounted";
    const r = await runCommands(["grep CapEff /proc/self/status", unmount, remount]);
    assert.match(r.outcome("grep CapEff /proc/self/status").output!, /CapEff:\s+0000000000000000/);
    assert.equal(r.outcome(unmount).output!.trim(), "0", "the data dir still looks empty");
    assert.doesNotMatch(r.outcome(remount).output ?? "", /^remounted/m);
  },
);

test("with network off a loopback server is unreachable; [sandbox] network = true reaches it", async () => {
  const server: Server = createServer((_req, res) => res.end("secret-page"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const fetch = `node -e "fetch('http://127.0.0.1:${port}/').then((r) => r.text()).then(console.log)"`;
  try {
    const off = await runCommands([fetch]);
    assert.equal(off.outcome(fetch).type, "tool-error");
    assert.match(
      off.outcome(fetch).error!,
      /ECONNREFUSED[\s\S]*\[sandbox: commands have no network \(\[sandbox\] network = false\)/,
    );
    assert.doesNotMatch(off.sent, /secret-page/);
    assert.deepEqual(
      (await sandboxAudit()).map((a) => a.status),
      ["network"],
    );

    configure("[sandbox.tools.bash]\nnetwork = true");
    const on = await runCommands([fetch]);
    assert.equal(on.outcome(fetch).output, "secret-page");
  } finally {
    server.close();
  }
});

test("the memory and CPU-seconds limits kill a command; the model is told which setting it hit", async () => {
  configure("[sandbox]\nmax_memory_mb = 256\nmax_cpu_seconds = 1");
  const hog = `node -e "const a = []; for (;;) a.push(Buffer.alloc(1e7, 1))"`;
  const spin = `node -e "for (;;);"`;
  const r = await runCommands([hog, spin]);
  assert.match(
    r.outcome(hog).error!,
    /\[sandbox: the command hit the memory limit \(\[sandbox\] max_memory_mb = 256\)\]$/,
  );
  assert.match(
    r.outcome(spin).error!,
    /\[sandbox: the command used up its CPU time and was killed \(\[sandbox\] max_cpu_seconds = 1\)\]$/,
  );
  assert.deepEqual((await sandboxAudit()).map((a) => a.status).sort(), ["cpu", "memory"]);
});

test("the timeout ([sandbox.tools.bash] timeout_secs caps the model's) kills the whole tree, background jobs too", async () => {
  configure("[sandbox.tools.bash]\ntimeout_secs = 1");
  const command = "(sleep 2; echo leaked > leaked.txt) & sleep 30";
  const started = Date.now();
  const r = await runCommands([{ command, timeout: 60_000 }]);
  assert.ok(Date.now() - started < 15_000);
  assert.match(
    r.outcome(command).error!,
    /^\[sandbox: timed out after 1000 ms: the command and every process it started were killed/,
  );
  await sleep(2_500);
  assert.equal(existsSync(join(t.sandbox.workspace, "leaked.txt")), false);
  const [audit] = await sandboxAudit();
  assert.equal(audit!.status, "timeout");
});

test("where bubblewrap cannot run: one warning, an unsafe_fallback record, and limits and scrubbing still apply", async () => {
  // A bwrap that fails like one denied user namespaces.
  const bin = join(t.sandbox.root, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "bwrap"), "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n");
  chmodSync(join(bin, "bwrap"), 0o755);
  const env = { ...SECRETS, PATH: `${bin}:${process.env.PATH}` };
  configure("[sandbox]\nmax_cpu_seconds = 1");
  const spin = `node -e "for (;;);"`;
  const r = await runCommands(['echo "token=$CODETETHER_AUTH_TOKEN"', spin, "echo again"], env);
  const warning =
    /warning: sandbox: bwrap cannot run: bwrap: No permissions to create new namespace; tool commands run unconfined/g;
  assert.equal(r.stderr.match(warning)?.length, 1, r.stderr);
  assert.equal(r.outcome('echo "token=$CODETETHER_AUTH_TOKEN"').output, "token=");
  assert.match(r.outcome(spin).error!, /max_cpu_seconds = 1/);
  const [fallback, ...more] = await sandboxAudit("sandbox.unsafe_fallback");
  assert.equal(more.length, 0);
  assert.equal(fallback!.details.reason, "bwrap cannot run: bwrap: No permissions to create new namespace");
  assert.deepEqual(
    (await sandboxAudit()).map((a) => [a.status, a.details.confined]),
    [["cpu", false]],
  );

  const show = await runCli(t.sandbox, ["config", "--show"], { env });
  assert.match(show.stdout, /^# sandbox: fallback: bwrap cannot run: bwrap: No permissions to create new namespace$/m);
});

test("config --show says which sandbox is active", async () => {
  const shown = await runCli(t.sandbox, ["config", "--show", "--json"]);
  assert.equal(JSON.parse(shown.stdout).sandbox, "bubblewrap");
  assert.equal(JSON.parse(shown.stdout).config.sandbox.network, false);
  configure('[sandbox]\nmode = "danger-full-access"');
  const off = await runCli(t.sandbox, ["config", "--show"]);
  assert.match(off.stdout, /^# sandbox: off \(danger-full-access\)$/m);
});
