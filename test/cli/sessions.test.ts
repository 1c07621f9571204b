// `codetether sessions`: list (alone too), show, export and delete, as a user runs them after a few runs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, useFakeModelSandbox } from "../support/cli.ts";

const t = useFakeModelSandbox({ configure: true });
const model = ["-m", "fake/fake-model"];
const listJson = async (...args: string[]) =>
  JSON.parse((await runCli(t.sandbox, ["sessions", "list", "--json", ...args])).stdout) as Array<{
    id: string;
    title: string;
    parentId: string | null;
  }>;

test("sessions alone lists; sub-agent sessions only with --all; show, export (md, json, -o) and delete", async () => {
  t.fake.push(
    [{ tool: "task", input: { description: "look", prompt: "where is main?", agent: "explore" } }],
    "It is in `src/main.ts`.",
    [{ tool: "bash", input: { command: "echo from-bash" } }],
    "Main is in src/main.ts.",
  );
  const r = await runCli(t.sandbox, ["run", ...model, "--auto-approve", "all", "find main"]);
  assert.equal(r.code, 0, r.stderr);

  const bare = await runCli(t.sandbox, ["sessions"]);
  assert.equal(bare.code, 0, bare.stderr);
  const lines = bare.stdout.trim().split("\n");
  assert.equal(lines.length, 1, bare.stdout);
  assert.match(lines[0]!, /^ses_\w+ .* find main$/);
  const id = /^(ses_\w+)/.exec(lines[0]!)![1]!;

  assert.deepEqual(
    (await listJson()).map((s) => s.id),
    [id],
  );
  const all = await listJson("--all");
  assert.equal(all.length, 2);
  const child = all.find((s) => s.parentId === id);
  assert.ok(child, "the sub-agent session is listed with --all");

  const shown = await runCli(t.sandbox, ["sessions", "show", id]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^# find main$/m);
  assert.match(shown.stdout, new RegExp(`^- session: ${id}$`, "m"));
  assert.match(shown.stdout, /## User\n\nfind main/);
  assert.match(shown.stdout, /\*\*→ bash\*\*\n\n```json\n\{\n {2}"command": "echo from-bash"/);
  assert.match(shown.stdout, /\*\*← bash\*\*\n\n```+\n[^]*from-bash/);
  assert.match(shown.stdout, /## Assistant\n\nMain is in src\/main\.ts\.\n$/);
  const info = JSON.parse((await runCli(t.sandbox, ["sessions", "show", id, "--json"])).stdout);
  assert.equal(info.id, id);

  const md = await runCli(t.sandbox, ["sessions", "export", id]);
  assert.equal(md.stdout, shown.stdout, "export defaults to the Markdown that show prints");
  const json = await runCli(t.sandbox, ["sessions", "export", id, "--format", "json"]);
  const exported = JSON.parse(json.stdout);
  assert.equal(exported.session.id, id);
  assert.equal(exported.messages.at(-1).message.content[0].text, "Main is in src/main.ts.");
  const file = join(t.sandbox.root, "chat.md");
  const written = await runCli(t.sandbox, ["sessions", "export", id, "-o", file]);
  assert.equal(written.code, 0, written.stderr);
  assert.equal(readFileSync(file, "utf8"), shown.stdout);
  const badFormat = await runCli(t.sandbox, ["sessions", "export", id, "--format", "pdf"]);
  assert.equal(badFormat.code, 1);
  assert.equal(badFormat.stderr, "codetether: unknown --format 'pdf' (use md or json)\n");

  const deleted = await runCli(t.sandbox, ["sessions", "delete", id]);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(deleted.stderr, `deleted ${id} and 1 sub-agent session\n`);
  assert.deepEqual(await listJson("--all"), []);
  for (const args of [
    ["show", id],
    ["delete", id],
    ["export", id],
  ]) {
    const missing = await runCli(t.sandbox, ["sessions", ...args]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `codetether: session not found: ${id} (see: codetether sessions list)\n`);
  }
});

test("a run that fails before any answer leaves no session; a failed run that was continued keeps its session", async () => {
  t.fake.push({ error: { status: 401, body: { error: { message: "bad key" } } } });
  const failed = await runCli(t.sandbox, ["run", ...model, "hello"]);
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /HTTP 401/);
  assert.deepEqual(await listJson("--all"), []);

  t.fake.push("Hi.");
  assert.equal((await runCli(t.sandbox, ["run", ...model, "hello"])).code, 0);
  t.fake.push({ error: { status: 401, body: { error: { message: "bad key" } } } });
  const continued = await runCli(t.sandbox, ["run", ...model, "-c", "again"]);
  assert.equal(continued.code, 1);
  assert.equal((await listJson("--all")).length, 1);
});
