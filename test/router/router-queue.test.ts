// The router's one-at-a-time queue: a routing that times out is stopped, and the next waits for it to end.
import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { defineTool, type Tool } from "../../src/contracts/tool.ts";
import { routerSectionSchema } from "../../src/router/config.ts";
import { LocalToolRouter } from "../../src/router/tool-router.ts";

const tools: Tool[] = [
  defineTool({
    name: "tag",
    description: "Tag the release.",
    kind: "other",
    parameters: z.object({ name: z.string() }),
    execute: async () => ({ output: "" }),
  }),
];

test("a routing that times out stops its generation before the next one starts", async () => {
  let running = 0;
  let mostAtOnce = 0;
  let stopped = 0;
  // A generation that runs until it is aborted, as a slow model would.
  const engine = {
    complete: (_prompt: string, _schema: unknown, signal: AbortSignal) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      return new Promise((_resolve, reject) =>
        signal.addEventListener("abort", () => {
          running--;
          stopped++;
          reject(new Error("aborted"));
        }),
      );
    },
  };
  const warnings: string[] = [];
  const router = new LocalToolRouter(routerSectionSchema.parse({ enabled: true }), (w) => warnings.push(w), 100);
  (router as unknown as { engine: Promise<typeof engine> }).engine = Promise.resolve(engine);
  const answer = { text: "I would call tag now.", tools, signal: new AbortController().signal };
  const [first, second] = await Promise.all([router.route(answer), router.route(answer)]);
  assert.deepEqual([first, second], [undefined, undefined], "both answers pass through");
  assert.equal(mostAtOnce, 1, "two generations shared the model's context sequence");
  assert.equal(stopped, 2, "each timed-out generation was stopped");
  assert.equal(warnings.length, 1);
});
