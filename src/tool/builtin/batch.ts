import { z } from "zod";
import { invokeTool } from "../invoke.ts";
import { defineTool, type ToolAttachment } from "../../contracts/tool.ts";
import description from "./batch.txt";

const MAX_CALLS = 20;

export const batchTool = defineTool({
  name: "batch",
  description,
  kind: "other",
  parameters: z.object({
    calls: z
      .array(z.object({ tool: z.string(), input: z.record(z.string(), z.unknown()) }))
      .min(1)
      .max(MAX_CALLS),
  }),
  async execute({ calls }, ctx) {
    const outcomes = await Promise.all(
      calls.map((call, index) =>
        call.tool === "batch"
          ? Promise.resolve({ ok: false as const, error: "batch can't contain batch" })
          : invokeTool(call.tool, call.input, { ...ctx, callId: `${ctx.callId}.${index + 1}` }),
      ),
    );
    const attachments: ToolAttachment[] = [];
    const sections = outcomes.map((outcome, index) => {
      const head = `## ${index + 1}. ${calls[index]!.tool}`;
      if (!outcome.ok) return `${head} (error)\n${outcome.error}`;
      attachments.push(...(outcome.result.attachments ?? []));
      return `${head}\n${outcome.result.output}`;
    });
    const failed = outcomes.filter((o) => !o.ok).length;
    return {
      output: sections.join("\n\n"),
      title: `${calls.length} calls${failed ? `, ${failed} failed` : ""}`,
      ...(attachments.length ? { attachments } : {}),
    };
  },
});
