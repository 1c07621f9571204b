import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toKvKey } from "../../src/bus/kv-key.ts";
import { assertPattern, assertTopic, patternMatcher, topics } from "../../src/bus/topics.ts";

const matches = (pattern: string, topic: string) => patternMatcher(pattern)(topic.split("."));

describe("topics", () => {
  it("builds the seed's topic names", () => {
    assert.deepEqual(
      [
        topics.agent("a"),
        topics.agentEvents("a"),
        topics.task("t"),
        topics.swarm("s"),
        topics.broadcast,
        topics.result("k.x"),
        topics.tool("bash"),
      ],
      ["agent.a", "agent.a.events", "task.t", "swarm.s", "broadcast", "results.k.x", "tools.bash"],
    );
  });

  it("matches `*` as one token and a final `>` as one or more", () => {
    assert.equal(matches("agent.*", "agent.a"), true);
    assert.equal(matches("agent.*", "agent.a.events"), false);
    assert.equal(matches("agent.*.events", "agent.a.events"), true);
    assert.equal(matches("agent.>", "agent.a.events"), true);
    assert.equal(matches("agent.>", "agent"), false);
    assert.equal(matches(">", "broadcast"), true);
    assert.equal(matches("task.t1", "task.t2"), false);
  });

  it("refuses topics and patterns with control characters or over 256 characters, quoting them escaped", () => {
    assert.throws(() => assertTopic("qa.\u0000"), /^BusError: invalid topic 'qa\.\\u0000'/);
    assert.throws(() => assertTopic(`a${"b".repeat(300)}`), /at most 256 characters/);
    assert.throws(() => assertPattern("\u0000"), /invalid subscription pattern '\\u0000'/);
    assert.throws(() => assertPattern(`x.${"y".repeat(300)}`), /invalid subscription pattern 'x\.y+…'/);
    assert.equal(assertTopic("agent.a1.events"), "agent.a1.events");
    assert.equal(assertPattern("agent.*.events"), "agent.*.events");
  });

  it("escapes result keys into valid, distinct KV keys", () => {
    assert.equal(toKvKey("swarm.s1/part_2"), "swarm.s1/part_2");
    assert.equal(toKvKey("a:b=c é"), "a=3Ab=3Dc=20=C3=A9");
  });
});
