import assert from "node:assert/strict";
import { test } from "node:test";
import { emptyDelta } from "../../src/relay/checkpoint.ts";
import { fallbackDelta, mergeContext, parseDelta, renderContext } from "../../src/relay/delta.ts";

test("a turn's delta is its last JSON block, fenced or bare; other lists default to empty", () => {
  const text =
    'first ```json\n{"facts":["old"]}\n``` then\n```json\n{"facts":["a"],"next_actions":["b"],"risks":"not a list"}\n```';
  assert.deepEqual(parseDelta(text), { facts: ["a"], decisions: [], risks: [], next_actions: ["b"], evidence: [] });
  assert.deepEqual(parseDelta('Done. {"decisions":["x"],"next_actions":[]}')?.decisions, ["x"]);
  assert.equal(parseDelta("no json here {not json}"), undefined);
});

test("a turn without a delta hands its text on and keeps the open actions open", () => {
  const previous = {
    relay_id: "r",
    from_agent: "planner",
    round: 1,
    turn: 1,
    delta: { ...emptyDelta(), next_actions: ["do x"] },
  };
  assert.deepEqual(fallbackDelta("I did half of x", previous), {
    ...emptyDelta(),
    facts: ["I did half of x"],
    next_actions: ["do x"],
  });
});

test("the shared context accumulates without duplicates, next actions are the latest, and long handoffs are compressed", () => {
  let shared = mergeContext(emptyDelta(), { ...emptyDelta(), facts: ["a"], next_actions: ["1"] });
  shared = mergeContext(shared, { ...emptyDelta(), facts: ["a", "b"], next_actions: ["2"] });
  assert.deepEqual(shared.facts, ["a", "b"]);
  assert.deepEqual(shared.next_actions, ["2"]);
  for (let i = 0; i < 40; i++)
    shared = mergeContext(shared, {
      ...emptyDelta(),
      facts: [`${i} ${"x".repeat(600)}`],
      evidence: [`e${i} ${"y".repeat(300)}`],
      next_actions: ["go"],
    });
  assert.ok(renderContext(shared).length <= 8_000);
  assert.ok(shared.facts.every((f) => f.length <= 400));
  assert.match(shared.facts.at(-1)!, /^39 /, "the newest items stay");
  assert.equal(shared.evidence.at(-1)!.slice(0, 4), "e39 ");
});
