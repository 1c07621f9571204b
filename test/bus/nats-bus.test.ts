import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { AgentRegistry, callTool, serveTool, type AgentBus } from "../../src/bus/index.ts";
import { describeBusSemantics } from "./bus-semantics.ts";
import { natsFixture, natsUnavailableReason } from "./nats-fixture.ts";

const skip = await natsUnavailableReason();
const fixture = natsFixture();
if (!skip) after(() => fixture.cleanUp());

describeBusSemantics("nats", fixture, skip);

describe("nats: between two connections", { skip }, () => {
  async function withTwoBuses(run: (a: AgentBus, b: AgentBus) => Promise<void>): Promise<void> {
    const [a, b] = await Promise.all([fixture.open(), fixture.open()]);
    try {
      await run(a, b);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }

  it("calls a tool served by another process's connection and shares results", () =>
    withTwoBuses(async (host, caller) => {
      serveTool<string, string>(host, "upper", (text) => text.toUpperCase());
      await host.flush();
      assert.equal(await callTool(caller, "upper", "bus", { timeoutMs: 2_000 }), "BUS");
      host.publish({ topic: "results.shared", kind: "result", sender: "host", payload: 42 });
      await host.flush();
      assert.equal((await caller.getResult("shared"))?.payload, 42);
    }));

  it("lets registries on different connections discover each other", () =>
    withTwoBuses(async (a, b) => {
      const here = new AgentRegistry(a);
      const there = new AgentRegistry(b);
      await Promise.all([a.flush(), b.flush()]);
      there.register({
        name: "remote-reviewer",
        description: "reviews",
        url: "http://peer:9000",
        skills: [{ id: "code-review", name: "Code Review" }],
      });
      await b.flush();
      await a.flush(); // the server routed the announcement before answering b, so it reaches a before this round trip ends
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(
        here.findBySkill("code-review").map((c) => [c.name, c.remote]),
        [["remote-reviewer", true]],
      );
      there.close();
      here.close();
    }));
});
