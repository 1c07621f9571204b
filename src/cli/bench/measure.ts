// Measuring Node processes and summarising samples: shared by `codetether bench` and the scripts in bench/.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The value below which a share `p` (0–1) of the sorted values lie. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

export function spread(samples: number[]): Spread {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export interface ProcessFigures {
  wallMs: number;
  /** User + system CPU time of the process itself (not of its children). */
  cpuMs: number;
  peakRssMiB: number;
}

/**
 * The measured process reports its own getrusage() as it exits (a `--require`d file), which needs no
 * GNU time and works wherever Node runs; loading that one small file is the only cost it adds.
 */
const USAGE_REPORTER = `"use strict";
process.on("exit", () => {
  const u = process.resourceUsage();
  require("node:fs").writeFileSync(process.env.CODETETHER_BENCH_USAGE, JSON.stringify({ cpuUs: u.userCPUTime + u.systemCPUTime, maxRssKiB: u.maxRSS }));
});
`;
let usageDir: string | undefined;
let measured = 0;

/** A directory holding the reporter, where the measured processes write their usage; removed at exit. */
function usageDirectory(): string {
  if (usageDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "codetether-usage-"));
    writeFileSync(join(dir, "report-usage.cjs"), USAGE_REPORTER);
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    usageDir = dir;
  }
  return usageDir;
}

/**
 * Runs `node <args>` to its end and measures it: wall time from spawn to exit, its CPU time and peak RSS.
 * Spawned asynchronously so that servers living in this process (the scripted model) keep answering.
 * A non-zero exit is an error naming the command and its last line of stderr.
 */
export async function measureNode(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ProcessFigures> {
  const dir = usageDirectory();
  const usageFile = join(dir, `usage-${(measured += 1)}.json`);
  const start = nowMs();
  const { status, stderr } = await new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--require", join(dir, "report-usage.cjs"), ...args], {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), CODETETHER_BENCH_USAGE: usageFile },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stderr }));
  });
  const wallMs = nowMs() - start;
  if (status !== 0) {
    const last = stderr.trim().split("\n").at(-1) ?? "";
    throw new Error(`\`node ${args.join(" ")}\` exited with ${status}${last ? `: ${last}` : ""}`);
  }
  const usage = JSON.parse(readFileSync(usageFile, "utf8")) as { cpuUs: number; maxRssKiB: number };
  rmSync(usageFile, { force: true });
  return { wallMs, cpuMs: usage.cpuUs / 1000, peakRssMiB: usage.maxRssKiB / 1024 };
}
