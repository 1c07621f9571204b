import { stat } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { glob } from "../../util/glob.ts";
import { z } from "zod";
import { defineTool, ToolError } from "../../contracts/tool.ts";
import { pathTarget } from "../workspace-path.ts";
import description from "./glob.txt";

const MAX_RESULTS = 100;

export const globTool = defineTool({
  name: "glob",
  description,
  kind: "read",
  parameters: z.object({
    pattern: z.string().min(1),
    path: z.string().optional(),
  }),
  targets({ pattern, path = "." }, ctx) {
    // The permission check is on `path`: a pattern must not reach out of it (../secret/*, /etc/*).
    if (isAbsolute(pattern) || pattern.split(/[\\/]/).includes("..")) {
      throw new ToolError(
        "the pattern must stay inside path: give the directory to search as path and a relative pattern",
      );
    }
    return [pathTarget(ctx.workspace, path)];
  },
  async execute({ pattern }, ctx, [target]) {
    const files = await glob(pattern, {
      cwd: target.absolute,
      ignore: ["**/.git/**", "**/node_modules/**"],
      dot: true,
      onlyFiles: true,
      // A symlink could lead the search out of the workspace (and a link to / through the whole disk).
      followSymbolicLinks: false,
      signal: ctx.signal,
    });
    const withTimes = await Promise.all(
      files.map(async (file) => ({
        file,
        mtime: (await stat(`${target.absolute}/${file}`).catch(() => undefined))?.mtimeMs ?? 0,
      })),
    );
    withTimes.sort((a, b) => b.mtime - a.mtime || a.file.localeCompare(b.file));
    const shown = withTimes.slice(0, MAX_RESULTS).map((f) => f.file);
    if (withTimes.length > MAX_RESULTS)
      shown.push(`[${withTimes.length - MAX_RESULTS} more results; narrow the pattern]`);
    return { output: shown.join("\n") || "no files match", title: `${pattern} (${withTimes.length})` };
  },
});
