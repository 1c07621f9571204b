import { z } from "zod";
import { defineTool, ToolError, type ToolContext } from "../../contracts/tool.ts";
import enterDescription from "./plan-enter.txt";
import exitDescription from "./plan-exit.txt";

function planState(ctx: ToolContext) {
  if (!ctx.planMode) throw new ToolError("plan mode is not available in this run");
  return ctx.planMode;
}

export const planEnterTool = defineTool({
  name: "plan_enter",
  description: enterDescription,
  kind: "other",
  parameters: z.object({}),
  async execute(_args, ctx) {
    planState(ctx).active = true;
    return {
      output: "plan mode on: edits and bash are refused. Explore read-only, then call plan_exit with the plan.",
      title: "plan mode",
    };
  },
});

export const planExitTool = defineTool({
  name: "plan_exit",
  description: exitDescription,
  kind: "other",
  parameters: z.object({ plan: z.string().min(1) }),
  async execute({ plan }, ctx) {
    const state = planState(ctx);
    if (!state.active) return { output: "plan mode was not on; go ahead.", title: "plan mode" };
    const answer = ctx.question
      ? await ctx.question({ question: `Approve this plan?\n\n${plan}`, options: ["yes", "no"] }, ctx.signal)
      : undefined;
    // Nobody to ask (undefined) lets the plan go ahead; a skipped question ("") is not an approval.
    if (answer !== undefined && !/^\s*(y|yes|ok|approve)/i.test(answer)) {
      const said = answer.trim() ? ` and said: ${answer.trim()}` : "";
      return {
        output: `The user did not approve the plan${said}.\nStill in plan mode: revise the plan and call plan_exit again.`,
        title: "plan rejected",
      };
    }
    state.active = false;
    return { output: "plan mode off: carry out the plan now.", title: "plan approved", metadata: { plan } };
  },
});
