import { z } from "zod";
import { defineTool, ToolError } from "../../contracts/tool.ts";
import description from "./task.txt";

export const taskTool = defineTool({
  name: "task",
  description,
  kind: "other",
  parameters: z.object({
    description: z.string().min(1).describe("3-5 words"),
    prompt: z.string().min(1),
    agent: z.string().optional().describe("profile, default explore"),
  }),
  async execute({ description: summary, prompt, agent = "explore" }, ctx) {
    if (!ctx.runSubAgent) throw new ToolError("sub-agents are not available in this run");
    const result = await ctx.runSubAgent({ agent, description: summary, prompt }, ctx.signal);
    return {
      output: `${result.text.trim() || "(the sub-agent gave no answer)"}\n[sub-agent ${agent}, session ${result.sessionId}]`,
      title: `${agent}: ${summary}`,
      metadata: { sessionId: result.sessionId, agent },
    };
  },
});
