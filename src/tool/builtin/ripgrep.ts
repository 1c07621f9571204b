import { spawn } from "node:child_process";
import { ToolError } from "../../contracts/tool.ts";

export interface RipgrepResult {
  lines: string[];
  code: number | null;
  stderr: string;
  /** True when output stopped at maxLines (rg was stopped). */
  cut: boolean;
}

/**
 * The arguments every search starts with: numbered "path:line:text" lines, .gitignore honoured even
 * outside a git repository, .git skipped.
 */
export const BASE_ARGS = ["--line-number", "--no-heading", "--color=never", "--no-require-git", "--glob", "!.git"];

/** The search root argument: none for the workspace itself, so paths print without "./". */
export function searchRoot(display: string): string[] {
  return display === "." ? [] : [display];
}

/** Runs ripgrep (bundled by @vscode/ripgrep) and stops it once enough lines are in. */
export async function runRipgrep(
  args: string[],
  cwd: string,
  signal: AbortSignal,
  maxLines: number,
): Promise<RipgrepResult> {
  const { rgPath } = await import("@vscode/ripgrep");
  return new Promise((resolve, reject) => {
    const child = spawn(rgPath, args, { cwd, signal, stdio: ["ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    let pending = "";
    let stderr = "";
    let cut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      const parts = (pending + chunk).split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts) {
        if (lines.length >= maxLines) {
          cut = true;
          child.kill();
          return;
        }
        lines.push(line);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error) => reject(new ToolError(`ripgrep failed: ${error.message}`)));
    child.on("close", (code) => {
      if (pending && lines.length < maxLines) lines.push(pending);
      resolve({ lines, code, stderr, cut });
    });
  });
}
