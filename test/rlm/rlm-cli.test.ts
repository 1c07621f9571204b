import assert from "node:assert/strict";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, useFakeModelSandbox } from "../support/cli.ts";
import { generatedLogs } from "../support/generated-content.ts";

const model = ["-m", "fake/fake-model"];
const t = useFakeModelSandbox({ configure: true });

/** The text of the tool results in a request to the fake model (OpenAI chat format). */
const toolResults = (index: number): string =>
  t.fake.requests[index]!.body.messages.filter((m: { role: string }) => m.role === "tool")
    .map((m: { content: string }) => m.content)
    .join("\n");

test("the model explores a file with head, grep, count and slice, then answers with rlm_final", async () => {
  writeFileSync(join(t.sandbox.workspace, "app.log"), generatedLogs(1000));
  t.fake.push(
    [{ tool: "rlm_head", input: { n: 2 } }],
    [
      { tool: "rlm_grep", input: { pattern: "ERROR" } },
      { tool: "rlm_count", input: { pattern: "status=503" } },
    ],
    [
      { tool: "rlm_slice", input: { start: 194, end: 195 } },
      { tool: "rlm_tail", input: { n: 1 } },
    ],
    [{ tool: "rlm_final", input: { answer: "11 requests failed with 503." } }],
  );
  const r = await runCli(t.sandbox, ["rlm", ...model, "how many requests failed?", "-f", "app.log", "-v"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "11 requests failed with 503.\n");
  // The content never goes to the model whole: the first request holds the question and a description.
  const first = JSON.stringify(t.fake.requests[0]!.body.messages);
  assert.match(first, /how many requests failed\?/);
  assert.match(first, /1000 lines/);
  assert.doesNotMatch(first, /req-500/);
  assert.match(toolResults(1), /^0: 2026-01-01T00:00:00\.000Z ERROR \[worker-0\] request req-0 /m);
  assert.match(toolResults(2), /11 matching lines\n0: .*ERROR/);
  assert.match(toolResults(2), /^970: .*ERROR.*req-970/m);
  assert.match(toolResults(2), /11 of 1000 lines match/);
  assert.match(toolResults(3), /^194: .*req-194 /m);
  assert.match(toolResults(3), /^999: .*req-999 /m);
  // -v shows each call on stderr.
  assert.match(r.stderr, /\[rlm\] 1000 lines, \d+ bytes, logs/);
  assert.match(r.stderr, /#2 rlm_grep \{"pattern":"ERROR"\} → 11 matching lines/);
});

test("--content - reads the content from stdin; --json prints the result document", async () => {
  t.fake.push(
    [{ tool: "rlm_grep", input: { pattern: "assistant" } }],
    [{ tool: "rlm_final", input: { answer: "two turns" } }],
  );
  const input = "User: hello there\nAssistant: hi, how can I help?\nUser: tell me a joke\nAssistant: no\n";
  const r = await runCli(t.sandbox, ["rlm", ...model, "--json", "--content", "-", "how many turns?"], { input });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out).sort(), [
    "answer",
    "complete",
    "content_bytes",
    "content_type",
    "iterations",
    "stats",
    "sub_queries",
  ]);
  assert.equal(out.answer, "two turns");
  assert.equal(out.complete, true);
  assert.equal(out.iterations, 2);
  assert.equal(out.sub_queries, 0);
  assert.equal(out.content_type, "conversation");
  assert.equal(out.content_bytes, Buffer.byteLength(input));
  assert.deepEqual(Object.keys(out.stats).sort(), ["cost_usd", "elapsed_ms", "input_tokens", "output_tokens"]);
  assert.ok(out.stats.input_tokens > 0 && out.stats.output_tokens > 0);
  assert.equal(typeof out.stats.elapsed_ms, "number");
  assert.match(toolResults(1), /^1: Assistant: hi/m);
});

test("piped stdin without -f or --content is the content; --content TEXT is too", async () => {
  t.fake.push([{ tool: "rlm_head", input: {} }], "It says hello.");
  let r = await runCli(t.sandbox, ["rlm", ...model, "what does it say?"], { input: "hello world\n" });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "It says hello.\n");
  assert.match(toolResults(1), /^0: hello world$/m);
  t.fake.push([{ tool: "rlm_tail", input: { n: 1 } }], "bye");
  r = await runCli(t.sandbox, ["rlm", ...model, "--content", "first\nlast line", "last?"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(toolResults(3), /^1: last line$/m);
});

test("rlm_llm_query reads a range in chunks of --max-tokens, one sub-call each, and returns the answers by lines", async () => {
  writeFileSync(join(t.sandbox.workspace, "app.log"), generatedLogs(400));
  t.fake.push([{ tool: "rlm_llm_query", input: { query: "which worker fails most?", start: 0, end: 400 } }]);
  // Sub-calls carry no tools; each answers with the lines it read.
  for (let i = 0; i < 20; i++) t.fake.push({ match: { hasTools: false }, items: [{ text: "worker-3 fails" }] });
  t.fake.push([{ tool: "rlm_final", input: { answer: "worker-3" } }]);
  const r = await runCli(t.sandbox, [
    "rlm",
    ...model,
    "--json",
    "--max-tokens",
    "2000",
    "which worker?",
    "-f",
    "app.log",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const subCalls = t.fake.requests.filter((req) => !req.body.tools?.length);
  assert.equal(out.sub_queries, subCalls.length);
  // 400 lines of ~95 characters are ~9,500 tokens: five or six chunks of at most 2,000.
  assert.ok(subCalls.length >= 5 && subCalls.length <= 6, `${subCalls.length} sub-calls`);
  for (const call of subCalls) {
    const text = JSON.stringify(call.body.messages);
    assert.match(text, /which worker fails most\?/);
    assert.ok(text.length < 2000 * 4 + 2000, `${text.length} chars in one sub-call`);
  }
  assert.match(toolResults(t.fake.requests.length - 1), /\[lines 0\.\.\d+\] worker-3 fails/);
  assert.equal(out.answer, "worker-3");
});

test("--max-iterations: the run stops, the model gives its best partial answer without tools, exit 1", async () => {
  for (let i = 0; i < 3; i++) t.fake.push([{ tool: "rlm_head", input: { n: 1 } }]);
  t.fake.push("partial: probably fine");
  const r = await runCli(t.sandbox, ["rlm", ...model, "--max-iterations", "3", "--content", "a\nb", "is it fine?"]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "partial: probably fine\n");
  assert.match(r.stderr, /stopped at the max_iterations limit/);
  assert.equal(t.fake.requests.length, 4);
  assert.equal(t.fake.requests[3]!.body.tool_choice, "none");
});

test("--max-subcalls: a sub-query beyond the budget is refused before any call; once spent, the run is partial", async () => {
  writeFileSync(join(t.sandbox.workspace, "app.log"), generatedLogs(400));
  t.fake.push(
    [{ tool: "rlm_llm_query", input: { query: "errors?" } }],
    [{ tool: "rlm_llm_query", input: { query: "errors?", start: 0, end: 5 } }],
    { match: { hasTools: false }, items: [{ text: "none in 0..4" }] },
    [{ tool: "rlm_llm_query", input: { query: "errors?", start: 5, end: 10 } }],
    [{ tool: "rlm_final", input: { answer: "no errors in the first lines" } }],
  );
  const r = await runCli(t.sandbox, ["rlm", ...model, "--json", "--max-subcalls", "1", "errors?", "-f", "app.log"]);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.sub_queries, 1);
  assert.equal(out.complete, false);
  assert.equal(out.limit, "max_subcalls");
  assert.equal(out.answer, "no errors in the first lines");
  assert.match(toolResults(1), /need .* sub-calls .* only 1 are left/);
  assert.match(toolResults(4), /no sub-calls left/);
});

test("bad input: one-line errors and exit 2", async () => {
  let r = await runCli(t.sandbox, ["rlm", ...model, "q", "-f", "missing.log"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "codetether: no such file: missing.log\n");
  r = await runCli(t.sandbox, ["rlm", ...model, "q", "-f", "logs/*.log"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "codetether: no files match logs/*.log\n");
  writeFileSync(join(t.sandbox.workspace, "empty.log"), "");
  const requests = t.fake.requests.length;
  r = await runCli(t.sandbox, ["rlm", ...model, "q", "-f", "empty.log"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "codetether: the content is empty (empty.log)\n");
  r = await runCli(t.sandbox, ["rlm", ...model, "q", "--content", "-"], { input: "" });
  assert.equal(r.stderr, "codetether: the content is empty (stdin)\n");
  assert.equal(t.fake.requests.length, requests, "no model call over nothing");
  r = await runCli(t.sandbox, ["rlm", ...model, "q", "--content", "x", "--max-iterations", "0"]);
  assert.notEqual(r.code, 0);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  t.fake.push([{ tool: "rlm_grep", input: { pattern: "(" } }], "ok");
  r = await runCli(t.sandbox, ["rlm", ...model, "q", "--content", "x"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(toolResults(1), /invalid pattern/);
});

test("a glob takes every matching file, each under a header line", async () => {
  writeFileSync(join(t.sandbox.workspace, "a.md"), "# A\nalpha\n");
  writeFileSync(join(t.sandbox.workspace, "b.md"), "# B\nbeta\n");
  t.fake.push([{ tool: "rlm_head", input: {} }], "two files");
  const r = await runCli(t.sandbox, ["rlm", ...model, "-f", "*.md", "what files?"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(toolResults(1), /0: === a\.md ===\n1: # A\n2: alpha\n3: === b\.md ===/);
  // A file whose very name has glob characters is that file (a Next.js route), not a pattern.
  mkdirSync(join(t.sandbox.workspace, "app", "[id]"), { recursive: true });
  mkdirSync(join(t.sandbox.workspace, "app", "i"), { recursive: true });
  writeFileSync(join(t.sandbox.workspace, "app", "[id]", "page.tsx"), "export default function Page() {}\n");
  writeFileSync(join(t.sandbox.workspace, "app", "i", "page.tsx"), "WRONG FILE\n");
  t.fake.push([{ tool: "rlm_head", input: {} }], "a page");
  const route = await runCli(t.sandbox, ["rlm", ...model, "-f", "app/[id]/page.tsx", "what is it?"]);
  assert.equal(route.code, 0, route.stderr);
  assert.match(toolResults(t.fake.requests.length - 1), /export default function Page/);
});

test("secrets in the content are redacted in what the model reads, from tools and sub-calls alike", async () => {
  const key = "sk-ant-abcdefghijklmnopqrstuvwxyz0123";
  const input = `config loaded\nusing key ${key}\nAuthorization: Bearer abcdefgh12345678\ndone\n`;
  t.fake.push(
    [{ tool: "rlm_grep", input: { pattern: "key|bearer" } }],
    [{ tool: "rlm_llm_query", input: { query: "which key?" } }],
    { match: { hasTools: false }, items: [{ text: "a redacted key" }] },
    [{ tool: "rlm_final", input: { answer: "a key is configured" } }],
  );
  const r = await runCli(t.sandbox, ["rlm", ...model, "--content", "-", "which key?"], { input });
  assert.equal(r.code, 0, r.stderr);
  const sent = JSON.stringify(t.fake.requests.map((request) => request.body));
  assert.doesNotMatch(sent, /abcdefghijklmnopqrstuvwxyz0123|abcdefgh12345678/);
  assert.match(toolResults(1), /1: using key \[REDACTED\]/);
  assert.match(JSON.stringify(t.fake.requests[2]!.body), /using key \[REDACTED\]/);
});

test("Ctrl+C or SIGTERM mid-run removes the temporary copy of --content or stdin (it may hold secrets)", async () => {
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    const tmp = join(t.sandbox.root, `tmp-${signal}`);
    mkdirSync(tmp);
    t.fake.push({ hang: true, items: [{ text: "thinking" }] });
    const asked = t.fake.requests.length;
    const r = await runCli(t.sandbox, ["rlm", ...model, "--content", "secret stuff", "what?"], {
      env: { TMPDIR: tmp },
      onSpawn: (child) => {
        const timer = setInterval(() => {
          if (t.fake.requests.length === asked) return;
          clearInterval(timer);
          child.kill(signal);
        }, 20);
        child.once("exit", () => clearInterval(timer));
      },
    });
    assert.equal(r.code, code, r.stderr);
    assert.deepEqual(readdirSync(tmp), [], `${signal} left the copy behind`);
  }
});
