import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

// A package the one-shot bundle requires from node_modules is loaded file by file at start-up (a direct
// dependency is external unless scripts/build.mjs bundles it): @ai-sdk/provider-utils so cost a one-shot
// run ~60 ms and ~10 MiB, through zod's hundred files.
test("the one-shot bundle carries the AI SDK and zod itself: none of them is required from node_modules", () => {
  const bundle = readFileSync(new URL("../../dist/run.cjs", import.meta.url), "utf8");
  const required = [...bundle.matchAll(/require\("((?:@ai-sdk\/|ai\/|ai"|zod|eventsource-parser)[^"]*)"?\)/g)].map(
    (m) => m[1],
  );
  // Bedrock (with the AWS SDK under it) stays in node_modules, loaded only when a Bedrock model is used.
  assert.deepEqual(
    required.filter((name) => name !== "@ai-sdk/amazon-bedrock"),
    [],
  );
});
