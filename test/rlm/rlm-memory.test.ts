import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, useFakeModelSandbox, type CliResult } from "../support/cli.ts";
import { writeLargeLog } from "../support/generated-content.ts";

const model = ["-m", "fake/fake-model"];
const t = useFakeModelSandbox({ configure: true });
const preload = new URL("./max-rss-preload.cjs", import.meta.url).pathname;

function maxRssMb(r: CliResult): number {
  const match = /max_rss_kb=(\d+)\s*$/.exec(r.stderr);
  assert.ok(match, r.stderr);
  return Number(match[1]) / 1024;
}

/** The same exploration (grep, count, slice, tail, a sub-query, final) over `file`; returns the CLI's result. */
async function explore(file: string): Promise<CliResult> {
  t.fake.push(
    [
      { tool: "rlm_grep", input: { pattern: "status=503" } },
      { tool: "rlm_count", input: { pattern: "worker-3" } },
    ],
    [
      { tool: "rlm_slice", input: { start: 1000, end: 1200 } },
      { tool: "rlm_tail", input: { n: 100 } },
    ],
    [{ tool: "rlm_llm_query", input: { query: "anything odd?", start: 2000, end: 2050 } }],
    { match: { hasTools: false }, items: [{ text: "nothing odd" }] },
    [{ tool: "rlm_final", input: { answer: "done" } }],
  );
  return runCli(t.sandbox, ["rlm", ...model, "--json", "what failed?", "-f", file], {
    env: { NODE_OPTIONS: `--require ${preload}` },
    timeoutMs: 90_000,
  });
}

test("a 50 MB input is explored with memory bounded: peak RSS grows by far less than the input", async (context) => {
  const big = join(t.sandbox.workspace, "big.log");
  const lines = writeLargeLog(big, 50 * 1024 * 1024);
  const small = join(t.sandbox.workspace, "small.log");
  writeLargeLog(small, 1);
  writeFileSync(join(t.sandbox.workspace, "unused"), "");

  const baseline = await explore(small);
  assert.equal(baseline.code, 0, baseline.stderr);
  const r = await explore(big);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.answer, "done");
  assert.ok(out.content_bytes >= 50 * 1024 * 1024);
  assert.equal(out.content_type, "logs");
  // The grep went through the whole file: the count of its matches is in the result sent back.
  const grepResult = JSON.stringify(t.fake.requests.at(-4)!.body.messages);
  assert.match(grepResult, new RegExp(`${Math.floor((lines - 1) / 97) + 1} matching lines`));
  const last = JSON.stringify(t.fake.requests.at(-1)!.body.messages);
  assert.match(last, new RegExp(`${lines - 1}: `));
  const growth = maxRssMb(r) - maxRssMb(baseline);
  context.diagnostic(
    `peak RSS ${maxRssMb(r).toFixed(1)} MB, ${growth.toFixed(1)} MB above the same run on a small file`,
  );
  // Holding the input as a string would take 50 MB at least; the line index takes ~8 bytes a line (~4.5 MB).
  assert.ok(growth < 25, `peak RSS grew by ${growth.toFixed(1)} MB (baseline ${maxRssMb(baseline).toFixed(1)} MB)`);
});
