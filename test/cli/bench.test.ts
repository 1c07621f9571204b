// `codetether bench` end to end through the built CLI: every row measured once, the JSON shape, the table
// beside the seed's claims, the progress line, nothing left behind, and bad input.
import assert from "node:assert/strict";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { makeSandbox, runCli } from "../support/cli.ts";

const sandbox = makeSandbox();
after(() => sandbox.cleanup());
// The bench's own temp files (its home, the usage reports) go here, to check it removes them.
const tmp = join(sandbox.root, "tmp");
mkdirSync(tmp);
const bench = (args: string[]) => runCli(sandbox, ["bench", ...args], { env: { TMPDIR: tmp }, timeoutMs: 120_000 });

interface FigureJson {
  label: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  samples: number[];
  seed: string | null;
}

test("every row once: figures present and plausible, as one JSON object; nothing left behind", async () => {
  const result = await bench(["--runs", "1", "--only", "startup,oneshot,serve,spawn,concurrency,swarm,rlm", "--json"]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split("\n");
  assert.equal(lines.length, 1, "one JSON object");
  const out = JSON.parse(lines[0]!) as {
    runs: number;
    node: string;
    cpus: number;
    benchmarks: Record<string, Record<string, FigureJson>>;
  };
  assert.equal(out.runs, 1);
  assert.equal(out.node, process.version);
  assert.deepEqual(Object.keys(out.benchmarks), [
    "startup",
    "oneshot",
    "serve",
    "spawn",
    "concurrency",
    "swarm",
    "rlm",
  ]);
  const keys = Object.fromEntries(
    Object.entries(out.benchmarks).map(([name, figures]) => [name, Object.keys(figures)]),
  );
  assert.deepEqual(keys, {
    startup: ["node_ms", "help_ms"],
    oneshot: ["wall_ms", "first_request_ms", "cpu_ms", "peak_rss_mib"],
    serve: ["listening_ms", "idle_rss_mib"],
    spawn: ["spawn_ms", "tool_step_ms"],
    concurrency: ["requests_per_second", "p50_ms", "p99_ms"],
    swarm: ["wall_ms_10", "peak_rss_mib_10", "wall_ms_100", "peak_rss_mib_100"],
    rlm: ["wall_ms", "peak_rss_mib"],
  });
  for (const [name, figures] of Object.entries(out.benchmarks))
    for (const [key, figure] of Object.entries(figures)) {
      assert.equal(figure.samples.length, 1, `${name}.${key}: one sample a run`);
      assert.ok(figure.median > 0 && Number.isFinite(figure.median), `${name}.${key}: ${figure.median}`);
      assert.ok(figure.min <= figure.median && figure.median <= figure.max, `${name}.${key}`);
    }
  const { startup, oneshot, serve, spawn, concurrency, rlm } = out.benchmarks as Record<
    string,
    Record<string, FigureJson>
  >;
  // Nothing here times out at a minute; memory of a Node process lies between 20 MiB and 2 GiB.
  for (const figure of [
    startup!.node_ms!,
    startup!.help_ms!,
    oneshot!.wall_ms!,
    spawn!.spawn_ms!,
    serve!.listening_ms!,
  ])
    assert.ok(figure.median < 60_000, figure.label);
  for (const figure of [oneshot!.peak_rss_mib!, serve!.idle_rss_mib!, rlm!.peak_rss_mib!])
    assert.ok(figure.median > 20 && figure.median < 2048, `${figure.label}: ${figure.median} MiB`);
  assert.ok(oneshot!.cpu_ms!.median > 10, "a one-shot run uses CPU");
  assert.ok(oneshot!.first_request_ms!.median < oneshot!.wall_ms!.median, "the model is asked before the run ends");
  assert.ok(concurrency!.p50_ms!.median <= concurrency!.p99_ms!.median);
  assert.equal(startup!.help_ms!.seed, "13 ms");
  assert.equal(serve!.idle_rss_mib!.seed, "~15 MB");
  assert.equal(serve!.listening_ms!.seed, "~50 ms cold start (container)");
  assert.equal(spawn!.spawn_ms!.seed, "1.5 ms");
  const swarm = out.benchmarks.swarm!;
  assert.ok(swarm.peak_rss_mib_100!.median > swarm.peak_rss_mib_10!.median * 0.9, "a hundred sub-agents are measured");
  assert.equal(swarm.peak_rss_mib_100!.seed, "330 MB");
  assert.equal(oneshot!.wall_ms!.seed, null, "no claim where the seed makes none");
  assert.match(result.stderr, /^bench: startup…$/m, "progress on stderr");
  assert.deepEqual(readdirSync(tmp), [], "the bench's home and usage reports are removed");
});

test("the table prints each figure with its min–max beside the seed's claim", async () => {
  const result = await bench(["--runs", "2", "--only", "startup"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /median of 2 runs/);
  assert.match(result.stdout, /^startup\s+node -e 0 \(the floor\)\s+[\d.]+ ms\s+[\d.]+–[\d.]+\s+—$/m);
  assert.match(result.stdout, /^\s+codetether --help\s+[\d.]+ ms\s+[\d.]+–[\d.]+\s+13 ms$/m);
  assert.doesNotMatch(result.stdout, /oneshot|concurrency/, "--only runs only the rows named");
});

test("bad input: one line, non-zero exit, nothing measured", async () => {
  const unknown = await bench(["--only", "startup,warp"]);
  assert.equal(unknown.code, 2);
  assert.equal(
    unknown.stderr,
    "codetether: --only: unknown benchmark 'warp' (known: startup, oneshot, serve, spawn, concurrency, swarm, rlm)\n",
  );
  assert.equal(unknown.stdout, "");
  const runs = await bench(["--runs", "0"]);
  assert.notEqual(runs.code, 0);
  assert.equal(runs.stderr.trim().split("\n").length, 1, runs.stderr);
  assert.match(runs.stderr, /--runs must be a positive integer/);
});
