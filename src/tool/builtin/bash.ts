import { spawn } from "node:child_process";
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";
import { truncateOutput } from "../truncate.ts";
import description from "./bash.txt";

const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_OUTPUT_BYTES = 64 * 1024;
const BACKGROUND_GRACE_MS = 200;

export const bashTool = defineTool({
  name: "bash",
  description,
  kind: "execute",
  parameters: z.object({
    command: z.string().min(1),
    timeout: z.number().int().positive().max(3_600_000).optional(),
  }),
  async execute({ command, timeout = DEFAULT_TIMEOUT_MS }, ctx) {
    await ctx.authorize({ tool: "bash", kind: "execute", target: command });
    const result = await runShell(command, ctx.workspace, timeout, ctx.signal);
    if (result.aborted) throw new ToolError("command aborted");
    const text = truncateOutput(result.output, { keep: "tail", maxBytes: MAX_OUTPUT_BYTES, outputDir: ctx.outputDir, name: "bash" });
    const status = result.timedOut
      ? `\n[timed out after ${timeout} ms and was killed; retry with a larger timeout if it needs longer]`
      : result.code === 0
        ? ""
        : `\n[exit code ${result.code ?? `signal ${result.signal}`}]`;
    return { output: `${text.trimEnd()}${status}`.trim() || "(no output)", title: command, metadata: { exitCode: result.code } };
  },
});

interface ShellResult {
  output: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
}

/** Runs the command in its own process group so a timeout or abort kills every child too. */
function runShell(command: string, cwd: string, timeoutMs: number, signal: AbortSignal): Promise<ShellResult> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", command], { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
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
    }, timeoutMs);
    const onAbort = () => {
      aborted = true;
      killGroup();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => chunks.push(c));
    let finished = false;
    const finish = (code: number | null, sig: NodeJS.Signals | null) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve({ output: Buffer.concat(chunks).toString("utf8"), code, signal: sig, timedOut, aborted });
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
