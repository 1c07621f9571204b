import assert from "node:assert/strict";
import { test } from "node:test";
import { checkPlan, planOf } from "../../src/swarm/plan.ts";

const plan = (subtasks: object[]) => JSON.stringify({ subtasks });
const st = (name: string, dependencies: string[] = []) => ({ name, instruction: `do ${name}`, dependencies });

test("a valid plan gets ids in order, dependencies by id, and stages by dependency depth", () => {
  const checked = checkPlan(
    `Here is the plan:\n\`\`\`json\n${plan([st("a"), st("b"), st("c", ["a"]), st("d", ["C", "b"])])}\n\`\`\``,
    10,
  );
  assert.ok(checked.ok);
  assert.deepEqual(
    checked.subtasks.map((s) => [s.id, s.dependencies]),
    [
      ["st-1", []],
      ["st-2", []],
      ["st-3", ["st-1"]],
      ["st-4", ["st-3", "st-2"]],
    ],
  );
  assert.equal(checked.subtasks[0]!.specialty, "generalist");
  assert.deepEqual(planOf(checked.subtasks, "model").stages, [["st-1", "st-2"], ["st-3"], ["st-4"]]);
});

test("forward references (and so cycles), self-dependencies, duplicates, too many and empty plans are refused", () => {
  const problems = (text: string, max = 10) => {
    const checked = checkPlan(text, max);
    assert.ok(!checked.ok);
    return checked.problems.join("; ");
  };
  assert.match(problems(plan([st("a", ["b"]), st("b", ["a"])])), /'a' depends on 'b', which is not an earlier subtask/);
  assert.match(problems(plan([st("a", ["a"])])), /'a' depends on 'a'/);
  assert.match(problems(plan([st("a"), st("A")])), /two subtasks are named 'A'/);
  assert.match(problems(plan([st("a"), st("b"), st("c")]), 2), /there are 3 subtasks; at most 2/);
  assert.match(problems(plan([])), /there are no subtasks/);
  assert.match(problems("no JSON here"), /not a JSON object/);
  assert.match(problems(JSON.stringify({ subtasks: [{ name: "x" }] })), /subtasks\.0\.instruction/);
});
