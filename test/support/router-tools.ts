// Tools for the local tool router run on the tiny random GGUF (tiny-gguf.ts), in its test and its benchmark.
import { z } from "zod";
import { defineTool } from "../../src/contracts/tool.ts";

/** Bounded schemas: a random model's strings would run on until max_tokens. */
export const setModeTool = defineTool({
  name: "set_mode",
  description: "Switch the build mode.",
  kind: "other",
  parameters: z.object({ mode: z.enum(["fast", "slow"]), verbose: z.boolean() }),
  execute: async () => ({ output: "" }),
});

export const tagTool = defineTool({
  name: "tag",
  description: "Tag the release.",
  kind: "other",
  parameters: z.object({ name: z.string().max(8) }),
  execute: async () => ({ output: "" }),
});
