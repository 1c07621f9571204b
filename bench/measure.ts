// Runs a command repeatedly and reports the median wall time and median peak RSS (via GNU time).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

export interface Figures {
  label: string;
  wallMs: number;
  rssMiB?: number;
  runs: number;
}

const GNU_TIME = "/usr/bin/time";

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * `before` runs ahead of every timed run (e.g. to reset a fake server's script); it is not timed.
 * Children are spawned asynchronously so servers living in this process keep answering.
 */
export async function measure(label: string, command: string[], options: { runs?: number; cwd?: string; env?: NodeJS.ProcessEnv; before?: () => void } = {}): Promise<Figures> {
  const runs = options.runs ?? 15;
  const walls: number[] = [];
  const rss: number[] = [];
  const withTime = existsSync(GNU_TIME);
  for (let i = 0; i < runs; i++) {
    options.before?.();
    const argv = withTime ? [GNU_TIME, "-f", "%M", ...command] : command;
    const start = process.hrtime.bigint();
    const r = await run(argv, options.cwd, options.env);
    walls.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0) throw new Error(`${label}: exit ${r.status}: ${r.stderr}`);
    if (withTime) rss.push(Number(r.stderr.trim().split("\n").at(-1)) / 1024);
  }
  return { label, wallMs: median(walls), rssMiB: rss.length ? median(rss) : undefined, runs };
}

function run(argv: string[], cwd?: string, env?: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stderr }));
  });
}

export function printTable(rows: Figures[], baseline?: Figures): void {
  console.log(`${"case".padEnd(34)} ${"median wall".padStart(12)} ${"peak RSS".padStart(10)} ${baseline ? "vs baseline".padStart(12) : ""}`);
  for (const row of rows) {
    const ratio = baseline ? `${(row.wallMs / baseline.wallMs).toFixed(2)}×`.padStart(12) : "";
    const rss = row.rssMiB === undefined ? "n/a" : `${row.rssMiB.toFixed(1)} MiB`;
    console.log(`${row.label.padEnd(34)} ${`${row.wallMs.toFixed(1)} ms`.padStart(12)} ${rss.padStart(10)} ${ratio}  (n=${row.runs})`);
  }
}
