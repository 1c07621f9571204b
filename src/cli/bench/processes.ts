// Long-running CLI processes under measurement (serve): started until their first JSON line, sampled, stopped.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";

export interface JsonLineProcess {
  child: ChildProcess;
  /** The process's first stdout line, parsed (e.g. serve's endpoints). */
  info: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts `node <args>` and waits for its first stdout line, which must be JSON; stderr is kept for errors. */
export async function startJsonLineProcess(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<JsonLineProcess> {
  const child = spawn(process.execPath, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  // Only the end is kept: it names why a process failed to start.
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4096)));
  const lines = createInterface({ input: child.stdout! });
  const line = await Promise.race([
    once(lines, "line").then(([first]) => first as string),
    once(child, "exit").then(([code]) => {
      const last = stderr.trim().split("\n").at(-1) ?? "";
      throw new Error(`\`node ${args.join(" ")}\` exited with ${code} before it was ready${last ? `: ${last}` : ""}`);
    }),
  ]);
  lines.close();
  child.stdout!.resume();
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
  };
  try {
    return { child, info: JSON.parse(line) as Record<string, string>, stop };
  } catch {
    await stop();
    throw new Error(`\`node ${args.join(" ")}\` printed ${JSON.stringify(line)} instead of a JSON line`);
  }
}

/** The resident set size of a running process, in MiB (/proc on Linux, `ps` elsewhere). */
export function rssMiB(pid: number): number {
  const status = `/proc/${pid}/status`;
  const kib = existsSync(status)
    ? Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(status, "utf8"))?.[1])
    : Number(execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" }).trim());
  return kib / 1024;
}

/** User + system CPU time a running process has used so far, in ms (Linux /proc; NaN elsewhere). */
export function cpuTimeMs(pid: number): number {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return NaN;
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = readFileSync(stat, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;
