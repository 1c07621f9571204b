// End to end through the built CLI and the scripted fake model: what the permission engine and agent
// profiles refuse comes back to the model as a tool error, and the run carries on.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fakeProviderToml, jsonLines, runCli, useFakeModelSandbox } from "../support/cli.ts";

const model = ["-m", "fake/fake-model"];
const t = useFakeModelSandbox({ configure: true });

/** The tool results the model received in its n-th request. */
const toolResultSent = (n: number) =>
  JSON.stringify(t.fake.requests[n]!.body.messages.filter((m: { role: string }) => m.role === "tool"));
const toolNamesSent = (n: number) =>
  (t.fake.requests[n]!.body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name);

test("an edit outside the workspace is refused with a message to the model, and the run continues", async () => {
  const outside = join(t.sandbox.root, "outside.txt");
  t.fake.push(
    [{ tool: "write_file", input: { path: outside, content: "x" } }],
    "I could not write outside the workspace.",
  );
  const r = await runCli(t.sandbox, ["run", "--json", ...model, "write outside"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(outside), false);
  const error = jsonLines(r.stdout).find((e) => e.type === "tool-error");
  assert.match(
    error!.error,
    /permission denied: write_file on .*outside\.txt needs approval \(nobody can approve it in a non-interactive run; rerun with --auto-approve all/,
  );
  assert.match(toolResultSent(1), /permission denied/);
  assert.equal(jsonLines(r.stdout).at(-1)!.text, "I could not write outside the workspace.");
});

test("--auto-approve all lets the outside edit through; an explicit deny rule still holds", async () => {
  t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}\n[permission.bash]\n"rm *" = "deny"\n`);
  const outside = join(t.sandbox.root, "outside.txt");
  t.fake.push(
    [
      { tool: "write_file", input: { path: outside, content: "x" } },
      { tool: "bash", input: { command: "rm -rf ." } },
    ],
    "done",
  );
  const r = await runCli(t.sandbox, ["run", ...model, "--auto-approve", "all", "go"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(outside, "utf8"), "x");
  assert.match(
    toolResultSent(1),
    /permission denied: bash `rm -rf \.` \(rule bash \\"rm \*\\" = deny, from config.toml \[permission\]\)/,
  );
});

test("grep and codesearch leave out files a read would have to ask for or is denied, and say so", async () => {
  t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}\n[permission.read]\n"*protected*" = "deny"\n`);
  const ws = t.sandbox.workspace;
  writeFileSync(join(ws, ".env"), "KEY=CANARY_DOTENV\n");
  writeFileSync(join(ws, "prod.env"), "KEY=CANARY_PROD\n");
  mkdirSync(join(ws, "protected"));
  writeFileSync(join(ws, "protected", "p.txt"), "CANARY_PROTECTED\n");
  writeFileSync(join(ws, "app.ts"), "const CANARY_OK = 1;\n");
  t.fake.push(
    [
      { tool: "grep", input: { pattern: "CANARY" } },
      { tool: "codesearch", input: { query: "CANARY_DOTENV CANARY_PROD CANARY_PROTECTED CANARY_OK" } },
    ],
    "ok",
  );
  const r = await runCli(t.sandbox, ["run", ...model, "find it"]);
  assert.equal(r.code, 0, r.stderr);
  const sent = toolResultSent(1);
  assert.match(sent, /app\.ts:1:const CANARY_OK/);
  // (ripgrep skips hidden files such as .env itself.)
  assert.match(sent, /\[matches in prod\.env, protected\/p\.txt left out: reading them needs approval or is denied/);
  assert.doesNotMatch(sent, /KEY=CANARY|:1:CANARY_PROTECTED|1: CANARY_PROTECTED/);
});

test("a search of an outside folder, once approved, shows its matches", async () => {
  const outside = join(t.sandbox.root, "elsewhere");
  mkdirSync(outside);
  writeFileSync(join(outside, "notes.txt"), "NEEDLE here\n");
  t.fake.push([{ tool: "grep", input: { pattern: "NEEDLE", path: outside } }], "ok");
  const r = await runCli(t.sandbox, ["run", ...model, "--auto-approve", "all", "search there"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(toolResultSent(1), /notes\.txt:1:NEEDLE here/);
  assert.doesNotMatch(toolResultSent(1), /left out/);
});

test("a .env file is not changed without approval: refused with nobody to ask", async () => {
  writeFileSync(join(t.sandbox.workspace, ".env"), "API_KEY=mine\n");
  t.fake.push([{ tool: "write_file", input: { path: ".env", content: "API_KEY=changed\n" } }], "ok");
  const r = await runCli(t.sandbox, ["run", ...model, "write .env"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(toolResultSent(1), /permission denied: write_file on .*\.env needs approval/);
  assert.equal(readFileSync(join(t.sandbox.workspace, ".env"), "utf8"), "API_KEY=mine\n");
});

test("--auto-approve safe approves a .env read but not an asked-for command", async () => {
  t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}\n[permission]\nbash = "ask"\n`);
  writeFileSync(join(t.sandbox.workspace, ".env"), "SECRET=1");
  t.fake.push(
    [
      { tool: "read_file", input: { path: ".env" } },
      { tool: "bash", input: { command: "echo hi" } },
    ],
    "ok",
  );
  const r = await runCli(t.sandbox, ["run", ...model, "--auto-approve", "safe", "go"]);
  assert.equal(r.code, 0, r.stderr);
  const sent = toolResultSent(1);
  assert.match(sent, /SECRET=1/);
  assert.match(sent, /permission denied: bash `echo hi` needs approval .*--auto-approve all/);
});

test("--agent plan refuses edits and says why; its prompt is in the system prompt", async () => {
  t.fake.push([{ tool: "write_file", input: { path: "a.txt", content: "x" } }], "Here is the plan instead.");
  const r = await runCli(t.sandbox, ["run", ...model, "--agent", "plan", "change a.txt"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(join(t.sandbox.workspace, "a.txt")), false);
  assert.match(
    toolResultSent(1),
    /permission denied: write_file on .*a\.txt \(rule edit \\"\*\\" = deny, from agent 'plan'\)/,
  );
  assert.match(t.fake.requests[0]!.prompt.system, /You are the plan agent/);
  assert.equal(r.stdout.trim(), "Here is the plan instead.");
});

test("a custom agent from .codetether/agents limits the tools and adds its prompt", async () => {
  const dir = join(t.sandbox.workspace, ".codetether", "agents");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "reader.md"),
    "---\ndescription: only reads\ntools: [read_file, grep]\n---\nAnswer in one sentence.\n",
  );
  t.fake.push("ok");
  const r = await runCli(t.sandbox, ["run", ...model, "--agent", "reader", "hi"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(toolNamesSent(0), ["read_file", "grep"]);
  assert.match(t.fake.requests[0]!.prompt.system, /Answer in one sentence\./);
});

test("an unknown agent is a one-line error listing the known ones", async () => {
  const r = await runCli(t.sandbox, ["run", ...model, "--agent", "nope", "hi"]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "codetether: unknown agent 'nope'; known agents: build, explore, plan\n");
  assert.equal(t.fake.requests.length, 0);
});

test("the task tool runs a sub-agent with its profile's tools and prompt; an unknown profile lists the known ones", async () => {
  t.fake.push(
    [{ tool: "task", input: { description: "find config", prompt: "where is the config loaded?", agent: "explore" } }],
    "It is loaded in src/config/load.ts.",
    [{ tool: "task", input: { description: "x", prompt: "y", agent: "nope" } }],
    "done",
  );
  const r = await runCli(t.sandbox, ["run", ...model, "investigate"]);
  assert.equal(r.code, 0, r.stderr);
  const sub = t.fake.requests[1]!;
  assert.match(sub.prompt.system, /You are the explore agent/);
  assert.deepEqual(toolNamesSent(1).sort(), ["codesearch", "glob", "grep", "list_dir", "lsp", "read_file"]);
  assert.match(toolResultSent(2), /It is loaded in src\/config\/load\.ts\./);
  assert.match(toolResultSent(3), /unknown agent 'nope'; known agents: build, explore, plan/);
});

test("a read-only agent cannot hire build through task to edit for it: the sub-agent has its parent's limits too", async () => {
  t.fake.push(
    [{ tool: "task", input: { description: "apply it", prompt: "write a.txt", agent: "build" } }],
    [{ tool: "write_file", input: { path: "a.txt", content: "x" } }],
    "could not write",
    "The sub-agent could not edit.",
  );
  const r = await runCli(t.sandbox, ["run", ...model, "--agent", "plan", "change a.txt"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(join(t.sandbox.workspace, "a.txt")), false);
  assert.match(toolResultSent(2), /permission denied: write_file on .*a\.txt .*from agent 'plan'/);
});
