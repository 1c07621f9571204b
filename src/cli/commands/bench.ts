import { Command } from "commander";
import { parsePositive } from "../option-parsers.ts";

export function benchCommand(): Command {
  return new Command("bench")
    .description(
      "Measure this installation offline (scripted model on loopback, throwaway home): start-up, a one-shot task, serve's idle memory, sub-agent spawn, serve under concurrent A2A callers, swarms of 10 and 100, rlm on a 50 MB log; printed beside the seed's claims",
    )
    .option("--runs <n>", "runs per figure; figures are medians with min–max", (v) => parsePositive(v, "--runs"), 5)
    .option("--only <names>", "comma-separated: startup, oneshot, serve, spawn, concurrency, swarm, rlm")
    .option(
      "--json",
      "one JSON object: {runs, node, platform, arch, cpus, benchmarks: {<name>: {<figure>: {median, min, max, unit, samples, seed}}}}",
    )
    .addHelpText(
      "after",
      `
startup      \`codetether --help\` beside bare \`node -e 0\`
oneshot      \`codetether run "create hello.txt containing hi"\`: wall time, CPU time, peak RSS
serve        \`codetether serve\` idle RSS, a second after it listens
spawn        the \`task\` tool: its call answered → the sub-agent's first model request
concurrency  16 concurrent A2A SendMessage callers against \`codetether serve\`: req/s, p50, p99
swarm        \`codetether swarm\` of 10 and of 100 read-only sub-agents (default concurrency): wall time, peak RSS
rlm          \`codetether rlm\` over a generated 50 MB log (grep, count, slice, tail, answer): wall time, peak RSS

Examples:
  $ codetether bench
  $ codetether bench --runs 3 --only startup,oneshot
  $ codetether bench --json | jq '.benchmarks.oneshot.wall_ms.median'`,
    )
    .action(async (options: { runs: number; json?: boolean; only?: string }) => {
      const { benchAction } = await import("../bench/bench-action.ts");
      await benchAction(options);
    });
}
