import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { publishAgentEvents } from "../../src/bus/agent-events.ts";
import { createBusHandle, InProcessBus, topics, type BusEnvelope } from "../../src/bus/index.ts";
import { takeDeliveries } from "./helpers.ts";

async function* events(...items: string[]): AsyncGenerator<string, void> {
  for (const item of items) yield item;
}

describe("publishAgentEvents", () => {
  it("passes events through and publishes each on agent.{id}.events with the session correlated", async () => {
    const bus = new InProcessBus();
    const watcher = bus.subscribe(topics.agentEvents("a1"));
    const seen: string[] = [];
    for await (const event of publishAgentEvents(events("one", "two"), createBusHandle(bus, "a1"), "s1"))
      seen.push(event);
    assert.deepEqual(seen, ["one", "two"]);
    const published = (await takeDeliveries(watcher, 2)) as BusEnvelope[];
    assert.deepEqual(
      published.map((e) => [e.kind, e.sender, e.payload, e.correlation?.session_id]),
      [
        ["event", "a1", "one", "s1"],
        ["event", "a1", "two", "s1"],
      ],
    );
    await bus.close();
  });

  it("publishes to whoever listens at the time: nothing is built while nobody does", async () => {
    const bus = new InProcessBus();
    const sent: unknown[] = [];
    const publish = bus.publish.bind(bus);
    bus.publish = (message) => (sent.push(message.payload), publish(message));
    assert.equal(bus.hasSubscriber(topics.agentEvents("a1")), false);
    let watcher: ReturnType<InProcessBus["subscribe"]> | undefined;
    for await (const event of publishAgentEvents(events("one", "two", "three"), createBusHandle(bus, "a1"), "s1"))
      if (event === "one") watcher = bus.subscribe("agent.*.events"); // after "one" went by unheard
    assert.equal(bus.hasSubscriber(topics.agentEvents("a1")), true);
    const published = (await takeDeliveries(watcher!, 2)) as BusEnvelope[];
    assert.deepEqual(
      published.map((e) => e.payload),
      ["two", "three"],
    );
    assert.deepEqual(sent, ["two", "three"]);
    watcher!.close();
    assert.equal(bus.hasSubscriber(topics.agentEvents("a1")), false);
    await bus.close();
  });

  it("keeps the run going when the bus closes mid-run", async () => {
    const bus = new InProcessBus();
    const handle = createBusHandle(bus, "a1");
    const seen: string[] = [];
    for await (const event of publishAgentEvents(events("one", "two", "three"), handle, "s1")) {
      seen.push(event);
      if (event === "one") await bus.close();
    }
    assert.deepEqual(seen, ["one", "two", "three"]);
  });
});
