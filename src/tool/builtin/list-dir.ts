import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { z } from "zod";
import { defineTool, ToolError } from "../../contracts/tool.ts";
import { pathTarget } from "../workspace-path.ts";
import { loadIgnore } from "./ignore-rules.ts";
import description from "./list-dir.txt";

const MAX_ENTRIES = 300;

export const listDirTool = defineTool({
  name: "list_dir",
  description,
  kind: "read",
  parameters: z.object({
    path: z.string().optional(),
    depth: z.number().int().min(1).max(10).optional(),
  }),
  targets: ({ path = "." }, ctx) => [pathTarget(ctx.workspace, path)],
  async execute({ depth = 2 }, ctx, [target]) {
    const ignored = await loadIgnore(ctx.workspace);
    const lines: string[] = [];
    let truncated = false;

    const walk = async (dir: string, level: number): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
        if (level === 0)
          throw new ToolError(
            error.code === "ENOENT" ? `not found: ${target.display}` : `cannot list ${target.display}: ${error.code}`,
          );
        return [];
      });
      entries.sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || a.name.localeCompare(b.name));
      for (const entry of entries) {
        const full = join(dir, entry.name);
        const rel = relative(ctx.workspace, full);
        if (ignored(rel, entry.isDirectory())) continue;
        if (lines.length >= MAX_ENTRIES) {
          truncated = true;
          return;
        }
        lines.push(`${"  ".repeat(level)}${entry.name}${entry.isDirectory() ? "/" : ""}`);
        if (entry.isDirectory() && level + 1 < depth) await walk(full, level + 1);
      }
    };
    await walk(target.absolute, 0);
    if (truncated) lines.push(`[listing cut at ${MAX_ENTRIES} entries; list a subdirectory or use glob]`);
    return { output: lines.join("\n") || "(empty directory)", title: target.display };
  },
});
