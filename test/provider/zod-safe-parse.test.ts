import assert from "node:assert/strict";
import { test } from "node:test";
import * as z4 from "zod/v4";
import { safeParseZod4 } from "../../src/provider/zod-safe-parse.ts";

// What provider-utils does (the build puts ours in its place): z4.safeParseAsync, always.
const theirs = (schema: z4.ZodType, value: unknown) => z4.safeParseAsync(schema, value);
const ours = async (schema: z4.ZodType, value: unknown) =>
  (await safeParseZod4(z4, schema, value)) as z4.ZodSafeParseResult<unknown>;

const chunk = z4.union([
  z4.object({
    id: z4.string().nullish(),
    choices: z4.array(z4.object({ delta: z4.object({ content: z4.string().nullish() }).nullish() })),
    usage: z4.object({ prompt_tokens: z4.number() }).nullish(),
  }),
  z4.object({ error: z4.object({ message: z4.string() }) }),
]);
const trimmed = z4.object({ text: z4.string().transform((s) => s.trim()) });
const checkedLater = z4.object({ n: z4.number() }).refine(async ({ n }) => n > 0, "n must be positive");
const throwing = z4.object({ n: z4.number() }).refine(() => {
  throw new Error("refinement failed");
});

const cases: Array<[string, z4.ZodType, unknown]> = [
  ["a chunk", chunk, { id: "c1", choices: [{ delta: { content: "hi" } }], extra: 1 }],
  ["an error chunk", chunk, { error: { message: "overloaded" } }],
  ["a wrong chunk", chunk, { choices: [{ delta: { content: 7 } }] }],
  ["not an object", chunk, "data"],
  ["a transform", trimmed, { text: "  padded " }],
  ["an async refinement that passes", checkedLater, { n: 1 }],
  ["an async refinement that fails", checkedLater, { n: -1 }],
];

for (const [name, schema, value] of cases)
  test(`checks ${name} as provider-utils does`, async () => {
    const [expected, actual] = [await theirs(schema, value), await ours(schema, value)];
    assert.deepEqual(
      actual.success ? actual.data : actual.error.issues,
      expected.success ? expected.data : expected.error.issues,
    );
    assert.equal(actual.success, expected.success);
    if (!actual.success) assert.equal(actual.error.message, expected.error!.message);
  });

test("a schema that throws throws as it does for provider-utils", async () => {
  await assert.rejects(theirs(throwing, { n: 1 }), /refinement failed/);
  await assert.rejects(ours(throwing, { n: 1 }), /refinement failed/);
});
