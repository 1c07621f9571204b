import assert from "node:assert/strict";
import { mock, test } from "node:test";
import type { Part } from "@a2a-js/sdk";
import { textOf } from "../../src/a2a/messages.ts";
import { ProgressPace } from "../../src/a2a/progress-pace.ts";
import { ProgressPublisher } from "../../src/a2a/progress.ts";
import type { TaskRun } from "../../src/a2a/task-run.ts";

/** A run that keeps the text of each progress update it is given. */
function recordingRun(updates: string[]): TaskRun {
  return { progress: (parts: Part[]) => updates.push(textOf({ parts })) } as unknown as TaskRun;
}

test("the pace's interval is the minimum while few tasks wait, and grows with the number waiting", () => {
  const pace = new ProgressPace(200, 10);
  assert.equal(pace.begin(), 200); // 1 waiting at 10 updates/s: 100 ms, under the minimum
  assert.equal(pace.begin(), 200);
  assert.equal(pace.begin(), 300);
  assert.equal(pace.begin(), 400);
  pace.end();
  pace.end();
  pace.end();
  assert.equal(pace.begin(), 200, "a published update no longer counts");
});

test("tasks streaming at once share the budget: later ones publish less often, no text is lost", (t) => {
  mock.timers.enable({ apis: ["setTimeout"] });
  t.after(() => mock.timers.reset());
  const pace = new ProgressPace(100, 10);
  const updates = [[], [], []] as string[][];
  const publishers = updates.map((u) => new ProgressPublisher(recordingRun(u), "/ws", pace));
  for (const publisher of publishers) publisher.handle({ type: "text-delta", text: "a" });
  for (const publisher of publishers) publisher.handle({ type: "text-delta", text: "b" });
  mock.timers.tick(100);
  assert.deepEqual(updates, [["ab"], [], []], "1st waiting: the minimum interval");
  mock.timers.tick(100);
  assert.deepEqual(updates, [["ab"], ["ab"], []], "2nd: 2 waiting at 10/s");
  publishers[2]!.flush(); // the run ended before its interval did
  assert.deepEqual(updates, [["ab"], ["ab"], ["ab"]]);
  publishers[0]!.handle({ type: "text-delta", text: "c" });
  mock.timers.tick(100);
  assert.deepEqual(updates[0], ["ab", "c"], "all published: the next update waits the minimum again");
});
