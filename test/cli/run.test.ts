import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fakeProviderToml, jsonLines, runCli, useFakeModelSandbox } from "../support/cli.ts";

const model = ["-m", "fake/fake-model"];
const t = useFakeModelSandbox({ configure: true });

test("the model's write_file call creates the file and the final text goes to stdout", async () => {
  t.fake.push([{ tool: "write_file", input: { path: "hello.txt", content: "hi" } }], "Created hello.txt.");
  const r = await runCli(t.sandbox, ["run", ...model, "create hello.txt containing hi"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(t.sandbox.workspace, "hello.txt"), "utf8"), "hi");
  assert.equal(r.stdout.trim(), "Created hello.txt.");
  assert.match(r.stderr, /write_file/);
  const toolResult = JSON.stringify(t.fake.requests[1]!.body.messages.at(-1));
  assert.match(toolResult, /wrote hello.txt/);
});

test("--json prints one event per line, ending with finish", async () => {
  t.fake.push([{ text: "Looking." }, { tool: "list_dir", input: {} }], "Done.");
  writeFileSync(join(t.sandbox.workspace, "a.txt"), "x");
  const r = await runCli(t.sandbox, ["run", "--json", ...model, "list files"]);
  assert.equal(r.code, 0, r.stderr);
  const events = jsonLines(r.stdout);
  const types = events.map((e) => e.type);
  assert.equal(types[0], "session");
  for (const t of ["step-start", "text-delta", "tool-pending", "tool-running", "tool-completed", "usage"])
    assert.ok(types.includes(t), t);
  const last = events.at(-1)!;
  assert.equal(last.type, "finish");
  assert.equal(last.reason, "stop");
  assert.equal(last.text, "Done.");
  assert.equal(last.steps, 2);
  assert.match(events.find((e) => e.type === "tool-completed")!.output, /a\.txt/);
});

test("the prompt can come from stdin with -", async () => {
  t.fake.push("ok");
  const r = await runCli(t.sandbox, ["run", ...model, "-"], { input: "review this diff" });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(t.fake.requests[0]!.prompt.users, ["review this diff"]);
});

test("several tool calls in one step run in parallel and all results go back", async () => {
  writeFileSync(join(t.sandbox.workspace, "a.txt"), "alpha");
  writeFileSync(join(t.sandbox.workspace, "b.txt"), "beta");
  t.fake.push(
    [
      { tool: "read_file", input: { path: "a.txt" } },
      { tool: "read_file", input: { path: "b.txt" } },
    ],
    "read both",
  );
  const r = await runCli(t.sandbox, ["run", ...model, "read a and b"]);
  assert.equal(r.code, 0, r.stderr);
  const sent = JSON.stringify(t.fake.requests[1]!.body.messages);
  assert.match(sent, /alpha/);
  assert.match(sent, /beta/);
});

test("a call with bad arguments is returned to the model as an error it can fix", async () => {
  t.fake.push(
    [{ tool: "read_file", input: { file: "a.txt" } }],
    [{ tool: "read_file", input: { path: "a.txt" } }],
    "fixed",
  );
  writeFileSync(join(t.sandbox.workspace, "a.txt"), "content");
  const r = await runCli(t.sandbox, ["run", ...model, "read"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(JSON.stringify(t.fake.requests[1]!.body.messages.at(-1)), /invalid/i);
  assert.match(JSON.stringify(t.fake.requests[2]!.body.messages.at(-1)), /content/);
  // One result per call (the SDK's own error result for the invalid call is not sent as well).
  const resultsPerCall = t.fake.requests[2]!.body.messages.filter((m: { role: string }) => m.role === "tool").map(
    (m: { tool_call_id: string }) => m.tool_call_id,
  );
  assert.equal(new Set(resultsPerCall).size, resultsPerCall.length, JSON.stringify(resultsPerCall));
});

test("a call of a tool that does not exist gets one error result, and the run goes on", async () => {
  t.fake.push([{ tool: "no_such_tool", input: {} }], "ok then");
  const r = await runCli(t.sandbox, ["run", ...model, "try"]);
  assert.equal(r.code, 0, r.stderr);
  const results = t.fake.requests[1]!.body.messages.filter((m: { role: string }) => m.role === "tool");
  assert.equal(results.length, 1, JSON.stringify(results));
  assert.match(JSON.stringify(results[0]), /no_such_tool/);
});

test("429 with retry-after is retried, then the answer arrives", async () => {
  t.fake.push({ error: { status: 429, headers: { "retry-after": "0" } } }, "after retry");
  const r = await runCli(t.sandbox, ["run", ...model, "hi"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "after retry");
  assert.match(r.stderr, /retry 1/);
});

test("an auth error from the provider is one line and exit 1", async () => {
  t.fake.push({ error: { status: 401, body: { error: { message: "invalid api key" } } } });
  const r = await runCli(t.sandbox, ["run", ...model, "hi"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /HTTP 401.*check the API key/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test("a provider error that echoes the key is redacted on stderr and in --json", async () => {
  const key = "custom-canary-key-0123456789";
  const echo = { error: { status: 401, body: { error: { message: `Incorrect API key provided: ${key}` } } } };
  t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}api_key_env = "FAKE_PROVIDER_KEY"\n`);
  t.fake.push(echo, echo);
  const env = { FAKE_PROVIDER_KEY: key };
  const text = await runCli(t.sandbox, ["run", ...model, "hi"], { env });
  assert.equal(text.code, 1);
  assert.match(text.stderr, /HTTP 401 \(check the API key\): Incorrect API key provided: \[REDACTED\]/);
  const json = await runCli(t.sandbox, ["run", ...model, "--json", "hi"], { env });
  assert.equal(json.code, 1);
  assert.match(json.stdout, /"type":"error"/);
  for (const out of [text.stdout, text.stderr, json.stdout, json.stderr]) assert.ok(!out.includes(key), out);
});

test("an unreachable base URL fails fast with a clear message", async () => {
  t.sandbox.writeConfig(fakeProviderToml("http://127.0.0.1:9"));
  const r = await runCli(t.sandbox, ["run", ...model, "hi"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot reach the model provider/);
});

test("reaching --max-steps stops with exit 1", async () => {
  t.fake.push([{ tool: "list_dir", input: {} }], [{ tool: "glob", input: { pattern: "*" } }]);
  const r = await runCli(t.sandbox, ["run", ...model, "--max-steps", "2", "loop"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /maximum of 2 steps/);
});

test("the same call repeated over and over is refused, then the run stops", async () => {
  const same = [{ tool: "list_dir", input: { path: "." } }];
  t.fake.push(same, same, same, same, same, same, same);
  const r = await runCli(t.sandbox, ["run", "--json", ...model, "loop"]);
  assert.equal(r.code, 1);
  const events = jsonLines(r.stdout);
  assert.ok(events.some((e) => e.type === "tool-error" && /3 times in a row/.test(e.error)));
  assert.equal(events.at(-1)!.reason, "doom-loop");
  // Only the first two ran; from the third on (the sixth, which stops the run, too) they were refused.
  assert.equal(events.filter((e) => e.type === "tool-completed").length, 2);
});

test("bad model ids and a missing prompt are one-line errors", async () => {
  const unknown = await runCli(t.sandbox, ["run", "-m", "nope/x", "hi"]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^codetether: unknown provider 'nope'/);
  const empty = await runCli(t.sandbox, ["run", ...model]);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /no prompt given/);
});

test("with no provider configured, run explains how to configure one", async () => {
  t.sandbox.writeConfig("");
  const r = await runCli(t.sandbox, ["run", "hi"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no model provider is configured/);
  assert.match(r.stderr, /MOONSHOT_API_KEY/);
});

test("--continue resumes the latest session; sessions list shows it", async () => {
  t.fake.push("first answer", "second answer");
  assert.equal((await runCli(t.sandbox, ["run", ...model, "first question"])).code, 0);
  const r = await runCli(t.sandbox, ["run", ...model, "-c", "second question"]);
  assert.equal(r.code, 0, r.stderr);
  const sent = JSON.stringify(t.fake.requests[1]!.body.messages);
  assert.match(sent, /first question/);
  assert.match(sent, /first answer/);
  const list = await runCli(t.sandbox, ["sessions", "list", "--json"]);
  const sessions = JSON.parse(list.stdout);
  assert.equal(sessions.length, 1);
  assert.equal(sessions[0].title, "first question");
  assert.equal(sessions[0].messageCount, 4);
  const byId = await runCli(t.sandbox, ["run", ...model, "--session", "ses_missing", "x"]);
  assert.match(byId.stderr, /session not found: ses_missing/);
});

test("[session] auto_save = false: run saves no session (its event log stays) and -c has nothing to continue", async () => {
  t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}[session]\nauto_save = false\n`);
  t.fake.push("first answer");
  const first = await runCli(t.sandbox, ["run", "--json", ...model, "first question"]);
  assert.equal(first.code, 0, first.stderr);
  const sessionId = jsonLines(first.stdout)[0]!.sessionId;
  const list = await runCli(t.sandbox, ["sessions", "list", "--json"]);
  assert.deepEqual(JSON.parse(list.stdout), []);
  const again = await runCli(t.sandbox, ["run", ...model, "-c", "second question"]);
  assert.equal(again.code, 1);
  assert.equal(again.stderr, "codetether: nothing to continue: sessions are not saved ([session] auto_save = false)\n");
  assert.equal(t.fake.requests.length, 1);
  const events = await runCli(t.sandbox, ["events", "tail", "--session", sessionId, "-n", "1000", "--json"]);
  assert.equal(events.code, 0, events.stderr);
  assert.equal(jsonLines(events.stdout).at(-1)!.record.type, "finish");
});

test("Ctrl+C stops a hanging stream cleanly and the session stays resumable", async () => {
  t.fake.push({ items: [{ text: "partial" }], hang: true }, "resumed fine");
  const r = await runCli(t.sandbox, ["run", ...model, "long task"], {
    onSpawn: (child) => {
      const check = setInterval(() => {
        if (t.fake.requests.length > 0) {
          clearInterval(check);
          setTimeout(() => child.kill("SIGINT"), 200);
        }
      }, 20);
    },
  });
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted; resume with/);
  const again = await runCli(t.sandbox, ["run", ...model, "-c", "go on"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(JSON.stringify(t.fake.requests.at(-1)!.body.messages), /partial/);
});

test("AGENTS.md is part of the system prompt and the first request stays small", async () => {
  writeFileSync(join(t.sandbox.workspace, "AGENTS.md"), "Always use tabs.");
  t.fake.push("ok");
  await runCli(t.sandbox, ["run", ...model, "create hello.txt containing hi"]);
  const first = t.fake.requests[0]!;
  assert.match(first.prompt.system, /Always use tabs\./);
  // The built-in tools plus the orchestration tools every agent is offered (rlm, swarm, prd, ralph).
  assert.ok(first.rawLength <= 10500, `first request is ${first.rawLength} bytes`);
});

test("auto-compaction prunes old tool outputs and summarises older turns near the context limit", async () => {
  t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}context_window = 3000\n`);
  writeFileSync(join(t.sandbox.workspace, "big.txt"), "line of text\n".repeat(700));
  t.fake.push([{ tool: "read_file", input: { path: "big.txt" } }], "read it");
  assert.equal((await runCli(t.sandbox, ["run", ...model, "read big.txt"])).code, 0);
  t.fake.push(
    { match: { lastUserContains: "summarise the conversation" }, items: [{ text: "SUMMARY: read big.txt" }] },
    "continuing",
  );
  const r = await runCli(t.sandbox, ["run", "--json", ...model, "-c", "what next?"]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(jsonLines(r.stdout).some((e) => e.type === "compaction" && e.summarized));
  const last = JSON.stringify(t.fake.requests.at(-1)!.body.messages);
  assert.match(last, /SUMMARY: read big.txt/);
  assert.doesNotMatch(last, /line of text\\nline of text/);
  assert.ok(existsSync(t.sandbox.dataDir));
});
