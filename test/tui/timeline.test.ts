import assert from "node:assert/strict";
import { test } from "node:test";
import { DROPPED_DETAIL, Timeline } from "../../src/tui/session/timeline.ts";

test("the inspector timeline keeps payloads for the latest 100 rows and at most 1000 rows", () => {
  const timeline = new Timeline();
  for (let i = 0; i < 1100; i++) timeline.record("step-start", `step ${i}`, { step: i });
  const rows = timeline.list();
  assert.equal(rows.length, 1000);
  assert.equal(rows[0]!.summary, "step 100");
  assert.equal(rows.filter((row) => row.detail === DROPPED_DETAIL).length, 900);
  assert.match(rows.at(-100)!.detail, /"step": 1000/);
  assert.equal(rows.at(-101)!.detail, DROPPED_DETAIL);
});

test("text deltas merge into one row; the finish row gives the answer's length, not a second copy", () => {
  const timeline = new Timeline();
  for (const text of ["Hel", "lo ", "world"]) timeline.recordEvent({ type: "text-delta", text });
  timeline.recordEvent({
    type: "finish",
    reason: "stop",
    text: "Hello world",
    steps: 1,
    usage: { inputTokens: 1, outputTokens: 2, cost: 0 },
  });
  const [delta, finish] = timeline.list();
  assert.equal(delta!.detail, "Hello world");
  assert.equal(delta!.summary, "11 chars");
  assert.match(finish!.detail, /"text": "11 chars"/);
  assert.doesNotMatch(finish!.detail, /Hello world/);
});
