import { z } from "zod";
import { defineTool } from "../../contracts/tool.ts";
import description from "./question.txt";

const NO_ANSWER =
  "No answer is available: nobody can be asked in this run. Continue with your best judgement and state the assumption you made.";
const SKIPPED = "The user skipped the question. Continue with your best judgement and state the assumption you made.";

export const questionTool = defineTool({
  name: "question",
  description,
  kind: "other",
  parameters: z.object({ question: z.string().min(1), options: z.array(z.string()).optional() }),
  async execute({ question, options }, ctx) {
    const answer = ctx.question ? await ctx.question({ question, options }, ctx.signal) : undefined;
    const output = answer === undefined ? NO_ANSWER : answer.trim() ? `The user answered: ${answer.trim()}` : SKIPPED;
    return { output, title: question };
  },
});
