import { z } from "zod";
import { defineTool, ToolError } from "../../contracts/tool.ts";
import { pathTarget } from "../workspace-path.ts";
import description from "./grep.txt";
import { BASE_ARGS, permittedLines, runRipgrep, searchRoot, withheldNote } from "./ripgrep.ts";

const MAX_MATCHES = 100;
const MAX_LINE_CHARS = 500;

export const grepTool = defineTool({
  name: "grep",
  description,
  kind: "read",
  parameters: z.object({
    pattern: z.string().min(1),
    path: z.string().optional(),
    include: z.string().optional().describe("file glob, e.g. *.ts"),
    ignore_case: z.boolean().optional(),
  }),
  targets: ({ path = "." }, ctx) => [pathTarget(ctx.workspace, path)],
  async execute({ pattern, include, ignore_case }, ctx, [target]) {
    const args = [...BASE_ARGS, "--max-columns", String(MAX_LINE_CHARS), "--max-columns-preview"];
    if (ignore_case) args.push("--ignore-case");
    if (include) args.push("--glob", include);
    args.push("--", pattern, ...searchRoot(target.display));
    const found = await runRipgrep(args, ctx.workspace, ctx.signal, MAX_MATCHES);
    const { code, stderr, cut } = found;
    if (code === 2 && found.lines.length === 0)
      throw new ToolError(`grep failed: ${stderr.trim().split("\n")[0] || "invalid pattern"}`);
    const { lines, withheld } = await permittedLines(found.lines, ctx, "grep");
    const count = lines.length;
    if (withheld.length) lines.push(withheldNote(withheld));
    if (lines.length === 0) return { output: "no matches", title: pattern };
    if (cut) lines.push(`[more than ${MAX_MATCHES} matches; narrow the pattern or path]`);
    return { output: lines.join("\n"), title: `${pattern} (${cut ? `${MAX_MATCHES}+` : count})` };
  },
});
