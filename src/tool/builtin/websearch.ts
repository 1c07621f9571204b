import { z } from "zod";
import { defineTool } from "../../contracts/tool.ts";
import { search } from "./search-backend.ts";
import description from "./websearch.txt";

export const websearchTool = defineTool({
  name: "websearch",
  description,
  kind: "network",
  parameters: z.object({ query: z.string().min(1), limit: z.number().int().min(1).max(20).optional() }),
  targets: ({ query }) => [{ target: query }],
  async execute({ query, limit = 8 }, ctx) {
    const results = await search(ctx.config?.websearch, query, limit, ctx.signal);
    const lines = results.map(
      (r, i) =>
        `${i + 1}. ${r.title}\n   ${r.url}${r.snippet ? `\n   ${r.snippet.replace(/\s+/g, " ").slice(0, 300)}` : ""}`,
    );
    return { output: lines.join("\n") || `no results for "${query}"`, title: `${query} (${results.length})` };
  },
});
