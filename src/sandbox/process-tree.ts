import { spawn } from "node:child_process";

/** How a process tree ended. */
export interface TreeEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
}

export interface TreeOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal: AbortSignal;
  onOutput(chunk: Buffer): void;
}

/** How long a background job that keeps the pipes open (unconfined: it outlives the shell) is waited for. */
const BACKGROUND_GRACE_MS = 200;

/**
 * Runs `argv` in its own process group; a timeout or abort SIGKILLs the group. Under bubblewrap the group
 * is bwrap itself, whose death ends the sandbox's pid namespace: every process the command started.
 */
export function runProcessTree(argv: string[], options: TreeOptions): Promise<TreeEnd> {
  const { signal, onOutput } = options;
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({ code: null, signal: null, timedOut: false, aborted: true });
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let timedOut = false;
    let aborted = false;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      killGroup();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);
    let finished = false;
    const finish = (code: number | null, sig: NodeJS.Signals | null) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve({ code, signal: sig, timedOut, aborted });
    };
    child.on("error", () => finish(127, null));
    child.on("close", finish);
    // A background job (`server &`) keeps the pipes open after the shell exits: don't wait for it.
    child.on("exit", (code, sig) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, sig);
      }, BACKGROUND_GRACE_MS).unref();
    });
  });
}
