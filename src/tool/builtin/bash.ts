import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";
import { truncateOutput } from "../truncate.ts";
import description from "./bash.txt";

const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_OUTPUT_BYTES = 64 * 1024;
/** Output kept in memory; beyond it the whole output goes to a file and only its tail stays here. */
const MEMORY_BYTES = 1024 * 1024;
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
    const result = await runShell(command, ctx.workspace, timeout, ctx.signal, new CappedOutput(() => join(ctx.outputDir, `bash-${Date.now().toString(36)}.txt`)));
    if (result.aborted) throw new ToolError("command aborted");
    const text = result.output.spilledTo
      ? `[output truncated: ${result.output.total} bytes; the end is below, the full output in ${result.output.spilledTo} (use read_file with offset, or grep)]\n${tailBytes(result.output.text(), MAX_OUTPUT_BYTES)}`
      : truncateOutput(result.output.text(), { keep: "tail", maxBytes: MAX_OUTPUT_BYTES, outputDir: ctx.outputDir, name: "bash" });
    const status = result.timedOut
      ? `\n[timed out after ${timeout} ms and was killed; retry with a larger timeout if it needs longer]`
      : result.code === 0
        ? ""
        : `\n[exit code ${result.code ?? `signal ${result.signal}`}]`;
    return { output: `${text.trimEnd()}${status}`.trim() || "(no output)", title: command, metadata: { exitCode: result.code } };
  },
});

/**
 * A command's output, bounded in memory: a chatty command (`yes`, a looping test) running until its
 * timeout would otherwise grow one string past what the process can hold. Past MEMORY_BYTES everything
 * is written to a file, and only the most recent MEMORY_BYTES are kept.
 */
class CappedOutput {
  total = 0;
  spilledTo: string | undefined;
  private chunks: Buffer[] = [];
  private held = 0;
  private file: WriteStream | undefined;

  constructor(private readonly spillPath: () => string) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (!this.file && this.held + chunk.length > MEMORY_BYTES) {
      this.spilledTo = this.spillPath();
      mkdirSync(join(this.spilledTo, ".."), { recursive: true });
      this.file = createWriteStream(this.spilledTo);
      for (const held of this.chunks) this.file.write(held);
    }
    this.file?.write(chunk);
    this.chunks.push(chunk);
    this.held += chunk.length;
    while (this.held > MEMORY_BYTES && this.chunks.length > 1) this.held -= this.chunks.shift()!.length;
  }

  /** Waits until the spilled output is on disk. */
  close(): Promise<void> {
    return new Promise((resolve) => (this.file ? this.file.end(resolve) : resolve()));
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

function tailBytes(text: string, maxBytes: number): string {
  const buffer = Buffer.from(text);
  if (buffer.length <= maxBytes) return text;
  const tail = buffer.subarray(buffer.length - maxBytes).toString("utf8");
  return tail.slice(tail.indexOf("\n") + 1); // from a line start
}

interface ShellResult {
  output: CappedOutput;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
}

/** Runs the command in its own process group so a timeout or abort kills every child too. */
function runShell(command: string, cwd: string, timeoutMs: number, signal: AbortSignal, output: CappedOutput): Promise<ShellResult> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({ output, code: null, signal: null, timedOut: false, aborted: true });
    const child = spawn("bash", ["-c", command], { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
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
    child.stdout.on("data", (c: Buffer) => output.push(c));
    child.stderr.on("data", (c: Buffer) => output.push(c));
    let finished = false;
    const finish = (code: number | null, sig: NodeJS.Signals | null) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      void output.close().then(() => resolve({ output, code, signal: sig, timedOut, aborted }));
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
