import assert from "node:assert/strict";
import { test } from "node:test";
import { performance as lightPerformance } from "../../src/util/light-clock.ts";

test("the AI SDK's light clock measures time as the global performance.now() does", async () => {
  const [light0, real0] = [lightPerformance.now(), performance.now()];
  await new Promise((resolve) => setTimeout(resolve, 50));
  const [light, real] = [lightPerformance.now() - light0, performance.now() - real0];
  assert.ok(light >= 49, `${light} ms`);
  assert.ok(Math.abs(light - real) < 5, `light ${light} ms, performance ${real} ms`);
});
