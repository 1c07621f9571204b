// The audit trail tried as an attacker without the key would: every rewrite, deletion, truncation and
// planted stream is caught by `codetether audit verify` (exit 1, one line), through the real CLI.
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createHash } from "node:crypto";
import { canonicalize, canonicalJson, GENESIS_HASH, type AuditRecord } from "../../src/audit/audit-record.ts";
import { resolveAuditKey } from "../../src/audit/index.ts";
import { auditDir } from "../../src/audit/paths.ts";
import { SessionRecorder } from "../../src/durable-logs/recorder.ts";
import { listSegments, segmentPath } from "../../src/events/log/index.ts";
import { fakeProviderToml, makeSandbox, runCli, type Sandbox } from "../support/cli.ts";
import { startFakeModel } from "../support/fake-model.ts";
import { startVault } from "../support/vault.ts";

const ENV_KEY = "an audit key from the environment";

/** Runs `tamper` on a sandbox whose audit trail the recorder wrote: `count` records over a few segments per writer. */
async function withTrail(
  count: number,
  tamper: (sandbox: Sandbox) => Promise<void>,
  { env = {}, writers = 1 }: { env?: NodeJS.ProcessEnv; writers?: number } = {},
): Promise<void> {
  const sandbox = makeSandbox();
  try {
    Object.assign(sandbox.env, env);
    await record(sandbox, count, writers);
    await tamper(sandbox);
  } finally {
    sandbox.cleanup();
  }
}

async function record(sandbox: Sandbox, count: number, writers = 1): Promise<void> {
  const key = await resolveAuditKey(sandbox.env);
  const logs = { segment_max_bytes: 2500, segment_max_age: "1d" };
  const recorders = [];
  for (let w = 0; w < writers; w++) recorders.push(await SessionRecorder.open(sandbox.dataDir, logs, { key }));
  for (let i = 1; i <= count; i++)
    for (const recorder of recorders) {
      recorder.recordAudit({
        actor: "agent",
        action: "tool.execute",
        resource: "tool/bash",
        status: "success",
        details: { i },
      });
      if (i % 7 === 0) await recorder.flush(); // several flushes, so several heads
    }
  for (const recorder of recorders) await recorder.close();
}

const writer = (sandbox: Sandbox, n = 1) => join(auditDir(sandbox.dataDir), `writer-${n}`);

/** The newest segment holding records (the live one may be empty after a seal). */
const lastSegment = (dir: string) =>
  listSegments(dir)
    .filter((segment) => lines(dir, segment).length)
    .at(-1)!;

function lines(dir: string, segment: number): AuditRecord[] {
  return readFileSync(segmentPath(dir, segment), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditRecord);
}

/** What an attacker without the key can do: seal a record with plain SHA-256, as legacy records were. */
function sealSha256(record: Omit<AuditRecord, "hash"> & { hash?: string }): AuditRecord {
  const { hash: _old, ...body } = record;
  return canonicalize({ ...body, hash: createHash("sha256").update(canonicalJson(body)).digest("hex") }) as AuditRecord;
}

/** Rewrites a segment from `records`, re-chaining records [from, to) with plain SHA-256. */
function rewriteWithSha256(
  dir: string,
  segment: number,
  records: AuditRecord[],
  from: number,
  to = records.length,
): void {
  let previous = from === 0 ? GENESIS_HASH : records[from - 1]!.hash;
  const out = records.map((record, i) => {
    if (i < from || i >= to) return record;
    const sealed = sealSha256({ ...record, prev_hash: previous });
    previous = sealed.hash;
    return sealed;
  });
  writeFileSync(segmentPath(dir, segment), out.map((record) => `${JSON.stringify(record)}\n`).join(""));
}

/** A record as written before audit keys. */
function legacyRecord(seq: number, prev_hash: string): AuditRecord {
  return sealSha256({
    seq,
    ts: new Date().toISOString(),
    actor: "agent",
    action: "session.start",
    resource: `session/s${seq}`,
    status: "started",
    session_id: null,
    okr_id: null,
    okr_run_id: null,
    relay_id: null,
    details: null,
    prev_hash,
  });
}

async function verify(sandbox: Sandbox, ...args: string[]) {
  return runCli(sandbox, ["audit", "verify", ...args]);
}

/** Exit 1 and exactly one line naming the problem. */
async function assertBroken(sandbox: Sandbox, pattern: RegExp, ...args: string[]): Promise<void> {
  const result = await verify(sandbox, ...args);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stderr, /^codetether: audit trail broken: [^\n]+\n$/);
  assert.match(result.stderr, pattern);
}

test("an untouched trail written by a real run and by the recorder verifies", async () => {
  const fake = await startFakeModel();
  const sandbox = makeSandbox();
  try {
    sandbox.writeConfig(fakeProviderToml(fake.url));
    fake.push("Hello.");
    const run = await runCli(sandbox, ["run", "-m", "fake/fake-model", "hi"]);
    assert.equal(run.code, 0, run.stderr);
    await record(sandbox, 20);
    const result = await verify(sandbox);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
    assert.match(result.stdout, /^ok {2}writer-1: 22 records, last seq 22\n$/);
    const key = readFileSync(join(sandbox.env.XDG_CONFIG_HOME!, "codetether-agent", "audit.key"));
    assert.ok(key.length > 40);
  } finally {
    await fake.close();
    sandbox.cleanup();
  }
});

test("a forged tail with recomputed SHA-256 hashes fails: the HMAC does not match", async () => {
  await withTrail(30, async (sandbox) => {
    const dir = writer(sandbox);
    const last = lastSegment(dir);
    const records = lines(dir, last);
    records.at(-2)!.status = "denied";
    rewriteWithSha256(dir, last, records, records.length - 2);
    await assertBroken(sandbox, /record 29 edited \(record 29 does not match its HMAC/);

    // Passing the forged records off as unkeyed ones does not help either.
    for (const record of records.slice(-2)) delete record.key_id;
    rewriteWithSha256(dir, last, records, records.length - 2);
    await assertBroken(sandbox, /record 29 forged \(unkeyed record 29 follows keyed records/);
  });
});

test("deleting a record and renumbering the rest fails", async () => {
  await withTrail(30, async (sandbox) => {
    const dir = writer(sandbox);
    const records = lines(dir, 1);
    const kept = records.filter((_, i) => i !== 2).map((record, i) => ({ ...record, seq: i + 1 }));
    rewriteWithSha256(dir, 1, kept, 2);
    await assertBroken(sandbox, /record 3 edited \(record 3 does not match its HMAC/);
  });
});

test("cutting the last records off fails against the last signed head", async () => {
  await withTrail(30, async (sandbox) => {
    const dir = writer(sandbox);
    const last = lastSegment(dir);
    const records = lines(dir, last);
    writeFileSync(
      segmentPath(dir, last),
      records
        .slice(0, -3)
        .map((record) => `${JSON.stringify(record)}\n`)
        .join(""),
    );
    await assertBroken(sandbox, /writer-1 truncated: the log ends at seq 27 but the head signed at .* names seq 30/);
  });
});

test("an emptied or deleted segment fails", async () => {
  await withTrail(30, async (sandbox) => {
    const dir = writer(sandbox);
    assert.ok(listSegments(dir).length >= 3, "the trail should span several segments");
    truncateSync(segmentPath(dir, 2), 0);
    await assertBroken(sandbox, /writer-1 empty_segment: segment 00000002\.jsonl is empty/);
    rmSync(segmentPath(dir, 2));
    await assertBroken(sandbox, /writer-1 missing_segment: segment 00000002\.jsonl is missing/);
    rmSync(segmentPath(dir, 1));
    await assertBroken(sandbox, /writer-1 missing_segment: segment 00000001\.jsonl is missing/);
  });
});

test("deleting the newest segments fails against the last signed head", async () => {
  await withTrail(30, async (sandbox) => {
    const dir = writer(sandbox);
    for (const segment of listSegments(dir).slice(-2)) rmSync(segmentPath(dir, segment));
    await assertBroken(sandbox, /writer-1 truncated: the log ends at seq \d+ but the head signed at .* names seq 30/);
  });
});

test("a deleted writer directory fails: the signed writers registry knows it", async () => {
  await withTrail(
    10,
    async (sandbox) => {
      assert.equal((await verify(sandbox)).code, 0);
      rmSync(writer(sandbox, 2), { recursive: true });
      await assertBroken(
        sandbox,
        /writer-2 missing_stream: its directory audit\/writer-2 is gone, but the head signed at .* names it at seq 10/,
      );
    },
    { writers: 2 },
  );
});

test("a writer stream that no signed head knows fails: planted, or the registry deleted", async () => {
  await withTrail(10, async (sandbox) => {
    // A stream planted without the key can only be unkeyed.
    const planted = writer(sandbox, 3);
    mkdirSync(planted);
    writeFileSync(segmentPath(planted, 1), `${JSON.stringify(legacyRecord(1, GENESIS_HASH))}\n`);
    await assertBroken(
      sandbox,
      /writer-3 unknown_stream: writer-3 holds unkeyed records but is not in the signed writers registry/,
    );
    rmSync(planted, { recursive: true });

    rmSync(join(auditDir(sandbox.dataDir), "writers.jsonl"));
    await assertBroken(
      sandbox,
      /writer-1 unknown_stream: no entry of the signed writers registry .* knows writer-1, which holds keyed records/,
    );
  });
});

test("a forged head fails", async () => {
  await withTrail(10, async (sandbox) => {
    const heads = join(writer(sandbox), "heads.jsonl");
    const head = JSON.parse(readFileSync(heads, "utf8").trim().split("\n").at(-1)!);
    appendFileSync(heads, `${JSON.stringify({ ...head, seq: 5 })}\n`);
    await assertBroken(
      sandbox,
      /writer-1 bad_head: writer-1\/heads\.jsonl: head \d+ has a signature that does not verify/,
    );
  });
});

test("verify --head FILE catches records cut off after the head was copied, with the local heads rolled back too", async () => {
  await withTrail(20, async (sandbox) => {
    const dir = writer(sandbox);
    const registry = join(auditDir(sandbox.dataDir), "writers.jsonl");
    const before = {
      segments: new Map(listSegments(dir).map((segment) => [segment, readFileSync(segmentPath(dir, segment))])),
      heads: readFileSync(join(dir, "heads.jsonl")),
      registry: readFileSync(registry),
    };
    await record(sandbox, 10);
    const copied = join(sandbox.root, "elsewhere.jsonl");
    const head = await runCli(sandbox, ["audit", "head"]);
    assert.equal(head.code, 0, head.stderr);
    assert.match(
      head.stdout,
      /^\{"writer":"writer-1","seq":30,"hash":"[0-9a-f]{64}","time":"[^"]+","key_id":"[0-9a-f]{16}","sig":"[^"]+"\}\n$/,
    );
    writeFileSync(copied, head.stdout);
    assert.equal((await verify(sandbox, "--head", copied)).code, 0);

    // The attacker rolls the writer back to its state at seq 20: segments, heads file and registry.
    for (const segment of listSegments(dir)) rmSync(segmentPath(dir, segment));
    for (const [segment, bytes] of before.segments) writeFileSync(segmentPath(dir, segment), bytes);
    writeFileSync(join(dir, "heads.jsonl"), before.heads);
    writeFileSync(registry, before.registry);
    assert.equal((await verify(sandbox)).code, 0, "undetectable from the data dir alone");
    await assertBroken(
      sandbox,
      /writer-1 truncated: the log ends at seq 20 but the head signed at .* \(.*elsewhere\.jsonl\) names seq 30/,
      "--head",
      copied,
    );

    const missing = await verify(sandbox, "--head", join(sandbox.root, "nope.jsonl"));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^codetether: cannot read --head .*nope\.jsonl: ENOENT\n$/);
    writeFileSync(join(sandbox.root, "empty.jsonl"), "");
    const empty = await verify(sandbox, "--head", join(sandbox.root, "empty.jsonl"));
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /^codetether: --head .*empty\.jsonl holds no signed head/);
  });
});

test("the key from CODETETHER_AUDIT_KEY: the recorder and verify agree, another key fails", async () => {
  await withTrail(
    10,
    async (sandbox) => {
      assert.equal((await verify(sandbox)).code, 0);
      const wrong = await runCli(sandbox, ["audit", "verify"], {
        env: { CODETETHER_AUDIT_KEY: "another key of enough length" },
      });
      assert.equal(wrong.code, 1);
      assert.match(
        wrong.stderr,
        /^codetether: audit trail broken: writers\.jsonl wrong_key: audit\/writers\.jsonl: head 1 is signed with audit key [0-9a-f]{16}, not with this key [0-9a-f]{16}\n$/,
      );
      const short = await runCli(sandbox, ["audit", "verify"], { env: { CODETETHER_AUDIT_KEY: "short" } });
      assert.equal(short.code, 1);
      assert.match(
        short.stderr,
        /^codetether: CODETETHER_AUDIT_KEY must hold an audit key of at least 16 characters\n$/,
      );
    },
    { env: { CODETETHER_AUDIT_KEY: ENV_KEY } },
  );
});

test("the key from Vault (<mount>/codetether/audit, field key): a real run and verify agree, another key fails", async () => {
  const vault = await startVault({
    token: "root",
    secrets: { "secret/codetether/audit": { key: "the audit key kept in vault" } },
  });
  const other = await startVault({
    token: "root",
    secrets: { "secret/codetether/audit": { key: "a different key in vault" } },
  });
  const fake = await startFakeModel();
  const sandbox = makeSandbox();
  try {
    sandbox.writeConfig(fakeProviderToml(fake.url));
    Object.assign(sandbox.env, { VAULT_ADDR: vault.url, VAULT_TOKEN: "root" });
    fake.push("Hello.");
    const run = await runCli(sandbox, ["run", "-m", "fake/fake-model", "hi"]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(vault.requests.some((request) => request.path === "/v1/secret/data/codetether/audit"));
    const ok = await verify(sandbox);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /writer-1: 2 records/);
    // Neither the environment's key nor the key file stands in for Vault's.
    const wrong = await runCli(sandbox, ["audit", "verify"], { env: { VAULT_ADDR: other.url } });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /wrong_key/);
  } finally {
    await Promise.all([vault.close(), other.close(), fake.close()]);
    sandbox.cleanup();
  }
});

test("an unkeyed (legacy) trail verifies with a warning; once a keyed writer took over, its legacy records are pinned", async () => {
  const sandbox = makeSandbox();
  try {
    const dir = writer(sandbox);
    mkdirSync(dir, { recursive: true });
    let previous = GENESIS_HASH;
    const legacy: AuditRecord[] = [];
    for (let seq = 1; seq <= 5; seq++) {
      legacy.push(legacyRecord(seq, previous));
      previous = legacy.at(-1)!.hash;
    }
    writeFileSync(segmentPath(dir, 1), legacy.map((record) => `${JSON.stringify(record)}\n`).join(""));
    const old = await verify(sandbox);
    assert.equal(old.code, 0, old.stderr);
    assert.match(
      old.stderr,
      /^codetether: warning: writer-1: records 1-5 are unkeyed \(legacy, written before audit keys\)/,
    );

    await record(sandbox, 3);
    const upgraded = await verify(sandbox);
    assert.equal(upgraded.code, 0, upgraded.stderr);
    assert.match(upgraded.stdout, /writer-1: 8 records/);
    assert.match(upgraded.stderr, /records 1-5 are unkeyed/);

    // Rewriting the legacy records (their SHA-256 recomputed) no longer passes: the registry pinned seq 5.
    const records = lines(dir, 1);
    records[1]!.status = "denied";
    rewriteWithSha256(dir, 1, records, 1, 5);
    await assertBroken(sandbox, /record 5 rewritten \(record 5 is not the one the head signed at .* names/);
  } finally {
    sandbox.cleanup();
  }
});
