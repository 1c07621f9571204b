import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fakeProviderToml, jsonLines, runCli, useFakeModelSandbox } from "../support/cli.ts";
import { generatedLogs } from "../support/generated-content.ts";

const run = ["run", "--json", "--auto-approve", "all", "-m", "fake/fake-model"];
const t = useFakeModelSandbox();
/** The requests of the RLM loop carry its system prompt; the agent's do not. */
const inRlm = { systemContains: "too large to read whole" };

/** A fake provider with a 20,000-token window: a bulk output over 7,000 tokens (~28 kB) is routed at 0.35. */
function configure(extra = ""): void {
  t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}context_window = 20000\n${extra}`);
}

const toolMessages = (index: number): string =>
  JSON.stringify(t.fake.requests[index]!.body.messages.filter((m: { role: string }) => m.role === "tool"));

test("a bash output over the threshold reaches the model as an RLM summary read from the full output", async () => {
  configure();
  t.fake.push(
    [{ tool: "bash", input: { command: "seq 1 100000" } }],
    { match: inRlm, items: [{ tool: "rlm_tail", input: { n: 2 } }] },
    { match: inRlm, items: [{ tool: "rlm_final", input: { answer: "The sequence ends at 100000." } }] },
    "It counts to 100000.",
  );
  const r = await runCli(t.sandbox, [...run, "count to a hundred thousand"]);
  assert.equal(r.code, 0, r.stderr);
  const [agentFirst, rlmFirst, rlmSecond, agentSecond] = [0, 1, 2, 3];
  assert.ok(!t.fake.requests[agentFirst]!.prompt.system.includes("too large to read whole"));
  // The RLM run is asked about the call for the agent's task, and reads the whole output (its last lines).
  const question = t.fake.requests[rlmFirst]!.prompt.users[0]!;
  assert.match(question, /bash call \{"command":"seq 1 100000"\}/);
  assert.match(question, /count to a hundred thousand/);
  assert.match(question, /100000 lines/);
  assert.match(toolMessages(rlmSecond), /99999: 100000/);
  // The agent's model gets the summary instead of the cut output.
  const sent = toolMessages(agentSecond);
  assert.match(sent, /summarised through RLM; the full output is in [^ ]+bash-/);
  assert.match(sent, /The sequence ends at 100000\./);
  assert.doesNotMatch(sent, /99998/);
  const completed = jsonLines(r.stdout).find((e) => e.type === "tool-completed" && e.tool === "bash")!;
  assert.equal(completed.metadata.routed, true);
  assert.match(completed.output, /The sequence ends at 100000\./);
});

test("[rlm] mode = off: the same output is cut as before; small outputs and read_file are never routed", async () => {
  configure('[rlm]\nmode = "off"\n');
  // ~9,500 tokens: over the threshold, but read_file gives exact content and is never routed.
  writeFileSync(join(t.sandbox.workspace, "big.log"), generatedLogs(400));
  t.fake.push([{ tool: "bash", input: { command: "seq 1 100000" } }], "ok");
  let r = await runCli(t.sandbox, [...run, "count"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(toolMessages(1), /output truncated/);
  assert.equal(t.fake.requests.length, 2);

  configure();
  t.fake.push(
    [
      { tool: "bash", input: { command: "seq 1 10" } },
      { tool: "read_file", input: { path: "big.log" } },
    ],
    "ok",
  );
  r = await runCli(t.sandbox, [...run, "look"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(t.fake.requests.length, 4, "no RLM request");
  assert.match(toolMessages(3), /req-399 /);
});

test("[rlm] mode = always: an output the tool had to cut is routed even under the threshold", async () => {
  t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}context_window = 1000000\n[rlm]\nmode = "always"\n`);
  t.fake.push(
    [{ tool: "bash", input: { command: "seq 1 20000" } }],
    { match: inRlm, items: [{ tool: "rlm_final", input: { answer: "numbers up to 20000" } }] },
    "ok",
  );
  const r = await runCli(t.sandbox, [...run, "count"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(toolMessages(2), /summarised through RLM.*numbers up to 20000/);
  // Under the threshold in auto mode the same output is only cut.
  t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}context_window = 1000000\n`);
  t.fake.push([{ tool: "bash", input: { command: "seq 1 20000" } }], "ok");
  assert.equal((await runCli(t.sandbox, [...run, "count"])).code, 0);
  assert.match(toolMessages(4), /output truncated/);
});

test("when the RLM run fails the cut output stands and the run goes on", async () => {
  configure();
  t.fake.push([{ tool: "bash", input: { command: "seq 1 100000" } }], { match: inRlm, error: { status: 400 } }, "ok");
  const r = await runCli(t.sandbox, [...run, "count"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(toolMessages(2), /output truncated/);
  assert.match(r.stderr, /could not be summarised through RLM/);
});

test("a bad [rlm] section is a one-line config error", async () => {
  configure("[rlm]\nthreshold = 2\n");
  const r = await runCli(t.sandbox, [...run, "x"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^codetether: config \[rlm\]: .*threshold/);
  assert.equal(r.stderr.trim().split("\n").length, 1);
});

test("the rlm tool answers from workspace files through its own loop", async () => {
  configure();
  writeFileSync(join(t.sandbox.workspace, "app.log"), generatedLogs(500));
  t.fake.push(
    [{ tool: "rlm", input: { query: "how many errors?", paths: ["app.log"] } }],
    { match: inRlm, items: [{ tool: "rlm_count", input: { pattern: "ERROR" } }] },
    { match: inRlm, items: [{ tool: "rlm_final", input: { answer: "6 errors" } }] },
    "There are 6 errors.",
  );
  const r = await runCli(t.sandbox, [...run, "check the log"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(toolMessages(2), /6 of 500 lines match/);
  assert.match(toolMessages(3), /6 errors\\n\[rlm: 2 steps, 0 sub-queries\]/);
  assert.equal(jsonLines(r.stdout).at(-1)!.text, "There are 6 errors.");
});

test("the rlm tool's globs are authorized file by file, where each really is: outside, .env and denied files are refused", async () => {
  configure('[permission.read]\n"*protected*" = "deny"\n');
  const ws = t.sandbox.workspace;
  const outside = join(t.sandbox.root, "outside");
  mkdirSync(outside);
  writeFileSync(join(outside, "secret.txt"), "OUTSIDE-CANARY\n");
  symlinkSync(outside, join(ws, "lnk"));
  writeFileSync(join(ws, ".env"), "DOTENV-CANARY\n");
  mkdirSync(join(ws, "protected"));
  writeFileSync(join(ws, "protected", "p.txt"), "PROTECTED-CANARY\n");
  t.fake.push(
    [
      { tool: "rlm", input: { query: "q", paths: ["*/secret.txt"] } },
      { tool: "rlm", input: { query: "q", paths: ["[.]env"] } },
      { tool: "rlm", input: { query: "q", paths: ["prot*/p.txt"] } },
    ],
    "refused",
  );
  const r = await runCli(t.sandbox, ["run", "--json", "-m", "fake/fake-model", "read them"]);
  assert.equal(r.code, 0, r.stderr);
  const sent = toolMessages(1);
  assert.match(
    sent,
    /permission denied: rlm on .*lnk\/secret\.txt \(→ .*outside\/secret\.txt\) needs approval .*--auto-approve all or/,
  );
  assert.match(sent, /permission denied: rlm on .*\.env needs approval/);
  assert.match(sent, /permission denied: rlm on .*protected\/p\.txt \(rule read/);
  assert.doesNotMatch(JSON.stringify(t.fake.requests.map((q) => q.body)), /CANARY/);
});
