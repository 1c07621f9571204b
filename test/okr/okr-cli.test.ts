import assert from "node:assert/strict";
import { test } from "node:test";
import { makeSandbox, runCli } from "../support/cli.ts";

test("okr create/list/status/stats through the CLI, with --json and one-line errors", async (t) => {
  const sandbox = makeSandbox();
  t.after(() => sandbox.cleanup());
  const created = await runCli(sandbox, [
    "okr",
    "create",
    "--title",
    "Faster CLI",
    "--kr",
    "Startup: cold:100:ms",
    "--kr",
    "Flags:12",
    "--json",
  ]);
  assert.equal(created.code, 0, created.stderr);
  const okr = JSON.parse(created.stdout);
  assert.deepEqual(
    okr.key_results.map((kr: any) => [kr.title, kr.target_value, kr.unit, kr.metric_type]),
    [
      ["Startup: cold", 100, "ms", "latency"],
      ["Flags", 12, "", "count"],
    ],
  );
  const list = await runCli(sandbox, ["okr", "list"]);
  assert.match(list.stdout, new RegExp(`^${okr.id}  draft\\s+0%  Faster CLI\\n$`));
  const status = await runCli(sandbox, ["okr", "status", "--id", okr.id]);
  assert.match(status.stdout, /\[-{20}\]   0%  Startup: cold  0\/100 ms · pending/);
  assert.equal(JSON.parse((await runCli(sandbox, ["okr", "list", "--status", "active", "--json"])).stdout).length, 0);
  assert.deepEqual(JSON.parse((await runCli(sandbox, ["okr", "stats", "--json"])).stdout).by_status, { draft: 1 });

  for (const [args, message, code] of [
    [["okr", "create", "--title", "x"], "codetether: no_key_results: an objective needs at least one key result", 1],
    [
      ["okr", "create", "--title", "x", "--kr", "k:-1:"],
      "codetether: invalid_target_value: key result 'k' needs a positive target value (got -1)",
      1,
    ],
    [
      ["okr", "create"],
      'codetether: no terminal to ask: give --title and --kr "title:target:unit" (see: codetether okr create --help)',
      2,
    ],
    [
      ["okr", "list", "--status", "done"],
      "codetether: unknown status 'done' (one of: draft, active, completed, cancelled, on_hold)",
      2,
    ],
    [["okr", "report", "--id", "nope"], "codetether: objective not found: nope (see: codetether okr list)", 1],
  ] as const) {
    const r = await runCli(sandbox, [...args]);
    assert.equal(r.stderr, `${message}\n`, args.join(" "));
    assert.equal(r.code, code);
  }
  const help = await runCli(sandbox, ["okr", "create", "--help"]);
  assert.match(help.stdout, /Examples:\n  \$ codetether okr create --title/);
});
