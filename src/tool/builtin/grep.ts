import { spawn } from "node:child_process";
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";
import { resolveWorkspacePath } from "../workspace-path.ts";
import description from "./grep.txt";

const MAX_MATCHES = 100;
const MAX_LINE_CHARS = 500;

export const grepTool = defineTool({
  name: "grep",
  description,
  kind: "read",
  parameters: z.object({
    pattern: z.string().min(1),
    path: z.string().optional().describe("file or directory (default: workspace root)"),
    include: z.string().optional().describe("file glob"),
    ignore_case: z.boolean().optional(),
  }),
  async execute({ pattern, path = ".", include, ignore_case }, ctx) {
    const target = resolveWorkspacePath(ctx.workspace, path);
    await ctx.authorize({ tool: "grep", kind: "read", target: target.absolute, external: target.external });
    const { rgPath } = await import("@vscode/ripgrep");
    const args = ["--line-number", "--no-heading", "--color=never", "--max-columns", String(MAX_LINE_CHARS), "--max-columns-preview"];
    if (ignore_case) args.push("--ignore-case");
    if (include) args.push("--glob", include);
    args.push("--glob", "!.git", "--", pattern, target.display);
    const { lines, code, stderr, cut } = await runRipgrep(rgPath, args, ctx.workspace, ctx.signal);
    if (code === 2 && lines.length === 0) throw new ToolError(`grep failed: ${stderr.trim().split("\n")[0] || "invalid pattern"}`);
    if (lines.length === 0) return { output: "no matches", title: pattern };
    if (cut) lines.push(`[more than ${MAX_MATCHES} matches; narrow the pattern or path]`);
    return { output: lines.join("\n"), title: `${pattern} (${cut ? `${MAX_MATCHES}+` : lines.length})` };
  },
});

/** Runs rg and stops it once enough matches are in, so a huge tree costs no more than needed. */
function runRipgrep(rg: string, args: string[], cwd: string, signal: AbortSignal) {
  return new Promise<{ lines: string[]; code: number | null; stderr: string; cut: boolean }>((resolve, reject) => {
    const child = spawn(rg, args, { cwd, signal, stdio: ["ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    let pending = "";
    let stderr = "";
    let cut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      const parts = (pending + chunk).split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts) {
        if (lines.length >= MAX_MATCHES) {
          cut = true;
          child.kill();
          return;
        }
        lines.push(line);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error) => reject(new ToolError(`grep failed: ${error.message}`)));
    child.on("close", (code) => {
      if (pending && lines.length < MAX_MATCHES) lines.push(pending);
      resolve({ lines, code, stderr, cut });
    });
  });
}
