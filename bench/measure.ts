// Runs a Node command repeatedly and reports the median wall time and median peak RSS, measured as
// `codetether bench` measures (src/cli/bench/measure.ts).
import { measureNode, median } from "../src/cli/bench/measure.ts";

export interface Figures {
  label: string;
  wallMs: number;
  rssMiB: number;
  runs: number;
}

/**
 * `command` starts with the node executable. `before` runs ahead of every timed run (e.g. to reset a fake
 * server's script); it is not timed.
 */
export async function measure(
  label: string,
  command: string[],
  options: { runs?: number; cwd?: string; env?: NodeJS.ProcessEnv; before?: () => void } = {},
): Promise<Figures> {
  if (command[0] !== process.execPath) throw new Error(`${label}: measure() runs node commands only`);
  const runs = options.runs ?? 15;
  const walls: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    options.before?.();
    const figures = await measureNode(command.slice(1), { cwd: options.cwd, env: options.env }).catch((error) =>
      Promise.reject(new Error(`${label}: ${error.message}`)),
    );
    walls.push(figures.wallMs);
    rss.push(figures.peakRssMiB);
  }
  return { label, wallMs: median(walls), rssMiB: median(rss), runs };
}

export function printTable(rows: Figures[], baseline?: Figures): void {
  console.log(
    `${"case".padEnd(34)} ${"median wall".padStart(12)} ${"peak RSS".padStart(10)} ${baseline ? "vs baseline".padStart(12) : ""}`,
  );
  for (const row of rows) {
    const ratio = baseline ? `${(row.wallMs / baseline.wallMs).toFixed(2)}×`.padStart(12) : "";
    console.log(
      `${row.label.padEnd(34)} ${`${row.wallMs.toFixed(1)} ms`.padStart(12)} ${`${row.rssMiB.toFixed(1)} MiB`.padStart(10)} ${ratio}  (n=${row.runs})`,
    );
  }
}
