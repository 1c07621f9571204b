import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { defineTool, ToolError } from "../../contracts/tool.ts";
import { truncateToFile } from "../truncate.ts";
import description from "./bash.txt";

const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_OUTPUT_BYTES = 64 * 1024;
/** Output kept in memory; beyond it the whole output goes to a file and only its tail stays here. */
const MEMORY_BYTES = 1024 * 1024;

export const bashTool = defineTool({
  name: "bash",
  description,
  kind: "execute",
  parameters: z.object({
    command: z.string().min(1),
    timeout: z.number().int().positive().max(3_600_000).optional(),
  }),
  targets: ({ command }) => [{ target: command }],
  async execute({ command, timeout = DEFAULT_TIMEOUT_MS }, ctx) {
    if (!ctx.commands)
      throw new ToolError("bash cannot run here: this front end gives tools no sandbox to run commands in");
    const output = new CappedOutput(() => join(ctx.outputDir, `bash-${Date.now().toString(36)}.txt`));
    const result = await ctx.commands.run({
      tool: "bash",
      command,
      workspace: ctx.workspace,
      timeoutMs: timeout,
      signal: ctx.signal,
      onOutput: (chunk) => output.push(chunk),
      sessionId: ctx.sessionId,
      callId: ctx.callId,
    });
    await output.close();
    if (result.aborted) throw new ToolError("command aborted");
    const { text, fullOutputPath } = output.spilledTo
      ? {
          text: `[output truncated: ${output.total} bytes; the end is below, the full output in ${output.spilledTo} (use read_file with offset, or grep)]\n${tailBytes(output.text(), MAX_OUTPUT_BYTES)}`,
          fullOutputPath: output.spilledTo,
        }
      : truncateToFile(output.text(), {
          keep: "tail",
          maxBytes: MAX_OUTPUT_BYTES,
          outputDir: ctx.outputDir,
          name: "bash",
        });
    // What the sandbox stopped (a timeout included) is an error the model reads with the output that shows it.
    if (result.violation) throw new ToolError(`${text.trimEnd()}\n[${result.violation.message}]`.trim());
    const status = result.code === 0 ? "" : `\n[exit code ${result.code ?? `signal ${result.signal}`}]`;
    return {
      output: `${text.trimEnd()}${status}`.trim() || "(no output)",
      title: command,
      metadata: { exitCode: result.code },
      fullOutputPath,
    };
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
      this.file = createWriteStream(this.spilledTo, { mode: 0o600 });
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
