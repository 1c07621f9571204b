import { spawn } from "node:child_process";
import { ToolError, type ToolContext } from "../../contracts/tool.ts";
import { pathTarget } from "../workspace-path.ts";

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

/**
 * The "path:line:text" lines of files the search may show: each file is authorized as a quiet read (no
 * asking), so a search leaves out what read_file would have to ask for or is denied (`.env`, a folder a
 * rule denies); `withheld` names those files.
 */
export async function permittedLines(
  lines: string[],
  ctx: ToolContext,
  tool: string,
): Promise<{ lines: string[]; withheld: string[] }> {
  const files = [...new Set(lines.map(fileOf).filter((file): file is string => file !== undefined))];
  const withheld = new Set<string>();
  await Promise.all(
    files.map(async (file) => {
      // Outside the workspace: the search's root was authorized so; each file answers to the read rules.
      const { target } = pathTarget(ctx.workspace, file);
      await ctx.authorize({ tool, kind: "read", target, quiet: true }).catch(() => withheld.add(file));
    }),
  );
  if (withheld.size === 0) return { lines, withheld: [] };
  return { lines: lines.filter((line) => !withheld.has(fileOf(line) ?? "")), withheld: [...withheld].sort() };
}

function fileOf(line: string): string | undefined {
  return /^(.*?):\d+:/.exec(line)?.[1];
}

/** What a search tells the model of the files it left out. */
export function withheldNote(withheld: string[]): string {
  return `[matches in ${withheld.join(", ")} left out: reading them needs approval or is denied (read_file asks)]`;
}
