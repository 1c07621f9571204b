import { z } from "zod";
import { defineTool, ToolError } from "../contracts/tool.ts";
import type { ResolvedModel } from "../provider/resolve.ts";
import { pathTarget } from "../tool/workspace-path.ts";
import { expandContentPath, openContent } from "./content-input.ts";
import { detectContentType } from "./content-type.ts";
import { runRlm, type RlmResult } from "./run-rlm.ts";
import description from "./rlm-tool.txt";

// Module-level: the tool is built per agent (per task in serve); one schema object keeps its JSON schema cached.
const rlmParameters = z.object({
  query: z.string().min(1),
  paths: z.array(z.string().min(1)).optional(),
  content: z.string().optional(),
});

/** The `rlm` tool: an RLM run over workspace files or a given text, with the agent's model. */
export const rlmTool = (model: () => ResolvedModel) =>
  defineTool({
    name: "rlm",
    description,
    kind: "read",
    parameters: rlmParameters,
    // Globs are expanded first: every file read is authorized as read_file's path would be (a pattern's
    // own folder says nothing of where its matches are, through symlinks or `..`).
    targets: async ({ paths = [] }, ctx) => {
      const files = await Promise.all(paths.map((path) => expandContentPath(path, ctx.workspace))).catch(
        (error: Error) => {
          throw new ToolError(error.message);
        },
      );
      return files.flat().map((file) => pathTarget(ctx.workspace, file.path));
    },
    async execute({ query, paths = [], content }, ctx, targets) {
      if (!paths.length && content === undefined) throw new ToolError("give paths or content to analyse");
      const opened = await openContent({
        found: targets.map((target) => ({ name: target.display, path: target.absolute })),
        text: content,
        cwd: ctx.workspace,
      }).catch((error: Error) => {
        throw new ToolError(error.message);
      });
      try {
        const contentType = detectContentType(opened.corpus);
        const result = await runRlm({ model: model(), corpus: opened.corpus, contentType, query, signal: ctx.signal });
        return {
          output: `${result.answer}\n${footnote(result)}`,
          title: `${query} (${opened.corpus.bytes} bytes, ${contentType})`,
          metadata: { iterations: result.iterations, subQueries: result.subQueries, complete: result.complete },
        };
      } finally {
        opened.dispose();
      }
    },
  });

/** What the run took, and whether a limit cut it short, for the agent to weigh the answer. */
export function footnote(result: RlmResult): string {
  const limit = result.complete ? "" : `; stopped at ${result.limit}, the answer is partial`;
  return `[rlm: ${result.iterations} steps, ${result.subQueries} sub-queries${limit}]`;
}
