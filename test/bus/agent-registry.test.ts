import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AgentRegistry, InProcessBus, topics, type AgentBus, type BusEnvelope } from "../../src/bus/index.ts";
import { nextDelivery, takeDeliveries, waitFor } from "./helpers.ts";

const reviewer = {
  name: "reviewer",
  description: "reviews code",
  url: "http://127.0.0.1:9000",
  skills: [{ id: "code-review", name: "Code Review", tags: ["review"] }],
};
const fixer = {
  name: "fixer",
  description: "fixes bugs",
  url: "http://127.0.0.1:9001",
  skills: [{ id: "debugging", name: "Debugging" }],
};

/** Lets queued callback deliveries (the registry's discovery) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function withBus(run: (bus: AgentBus) => Promise<void>): Promise<void> {
  const bus = new InProcessBus();
  try {
    await run(bus);
  } finally {
    await bus.close();
  }
}

describe("AgentRegistry", () => {
  it("lists agents and finds them by skill", () =>
    withBus(async (bus) => {
      const registry = new AgentRegistry(bus);
      const card = registry.register(reviewer);
      registry.register(fixer);
      assert.ok(!Number.isNaN(Date.parse(card.lastSeen)));
      assert.deepEqual(
        registry.list().map((c) => c.name),
        ["reviewer", "fixer"],
      );
      assert.deepEqual(
        registry.findBySkill("debugging").map((c) => c.name),
        ["fixer"],
      );
      assert.deepEqual(registry.findBySkill("deployment"), []);
      assert.throws(() => registry.register(reviewer), /already registered/);
      registry.close();
    }));

  it("announces joins and leaves on broadcast", () =>
    withBus(async (bus) => {
      const broadcast = bus.subscribe(topics.broadcast);
      const registry = new AgentRegistry(bus, { discover: false });
      registry.register(reviewer);
      assert.equal(registry.unregister("reviewer"), true);
      assert.equal(registry.unregister("reviewer"), false);
      const [joined, left] = (await takeDeliveries(broadcast, 2)) as BusEnvelope[];
      assert.deepEqual(
        [joined!.kind, joined!.sender, (joined!.payload as { card: { url: string } }).card.url],
        ["agent_joined", "reviewer", reviewer.url],
      );
      assert.deepEqual([left!.kind, left!.payload], ["agent_left", { registry: registry.id, name: "reviewer" }]);
    }));

  it("spawns an ephemeral sub-agent whose handle works and whose close unregisters it", () =>
    withBus(async (bus) => {
      const registry = new AgentRegistry(bus);
      const { card, handle } = registry.spawnEphemeral("sub-1", { skills: [{ id: "search", name: "Search" }] });
      assert.equal(card.url, "bus://local/sub-1");
      assert.deepEqual(registry.findBySkill("search"), [card]);
      bus.publish({ topic: topics.agent("sub-1"), kind: "message", sender: "parent", payload: "go" });
      assert.equal(((await nextDelivery(handle.receive())) as BusEnvelope).payload, "go");
      handle.close();
      assert.equal(registry.get("sub-1"), undefined);
      assert.throws(() => registry.spawnEphemeral("bad.name"), /invalid agent id/);
      assert.deepEqual(registry.list(), []);
      registry.close();
    }));

  it("learns agents of other registries as remote, with heartbeats and leaves", () =>
    withBus(async (bus) => {
      const here = new AgentRegistry(bus);
      const there = new AgentRegistry(bus);
      here.register(fixer);
      there.register(reviewer);
      await settle();
      assert.equal(here.get("reviewer")?.remote, true);
      assert.equal(here.get("fixer")?.remote, undefined);
      assert.deepEqual(
        there.findBySkill("debugging").map((c) => [c.name, c.remote]),
        [["fixer", true]],
      );

      const before = here.get("reviewer")!.lastSeen;
      await new Promise((resolve) => setTimeout(resolve, 5));
      there.heartbeat();
      await settle();
      assert.ok(here.get("reviewer")!.lastSeen > before);

      there.close();
      await settle();
      assert.equal(here.get("reviewer"), undefined);
      here.close();
    }));

  it("answers a late joiner's query with the agents already there", () =>
    withBus(async (bus) => {
      const early = new AgentRegistry(bus);
      early.register(reviewer);
      const late = new AgentRegistry(bus);
      await settle();
      assert.deepEqual(
        late.list().map((c) => [c.name, c.remote]),
        [["reviewer", true]],
      );
      late.close();
      early.close();
    }));

  it("drops agents of a registry that stopped sending heartbeats", () =>
    withBus(async (bus) => {
      const here = new AgentRegistry(bus, { heartbeatMs: 10, expireAfterMs: 30 });
      const alive = new AgentRegistry(bus, { heartbeatMs: 10 });
      const crashed = new AgentRegistry(bus);
      alive.register(fixer);
      crashed.register(reviewer);
      await settle();
      assert.deepEqual(
        here
          .list()
          .map((c) => c.name)
          .sort(),
        ["fixer", "reviewer"],
      );
      // `crashed` never heartbeats (as if its process died without announcing the leave).
      await waitFor(() => !here.get("reviewer"), "the silent registry's agent to expire");
      assert.deepEqual(
        here.list().map((c) => c.name),
        ["fixer"],
      );
      for (const registry of [here, alive, crashed]) registry.close();
    }));

  it("keeps entered remote peers apart from bus-learned agents", () =>
    withBus(async (bus) => {
      const registry = new AgentRegistry(bus, { heartbeatMs: 10, expireAfterMs: 20 });
      const broadcast = bus.subscribe(topics.broadcast);
      const peer = registry.upsertRemote({ ...fixer, url: "http://127.0.0.1:9100/a2a" });
      assert.equal(peer?.remote, true);
      registry.register(reviewer);
      assert.equal(registry.upsertRemote(reviewer), undefined, "a local agent keeps its name");
      await new Promise((resolve) => setTimeout(resolve, 60));
      assert.equal(registry.get("fixer")?.url, "http://127.0.0.1:9100/a2a", "entered peers do not expire");
      const joined = (await nextDelivery(broadcast)) as BusEnvelope<{ card: { name: string } }>;
      assert.equal(joined.payload.card.name, "reviewer", "entered peers are not announced");
      assert.equal(registry.unregister("fixer"), true);
      registry.close();
    }));

  it("lets sub-agents close after the bus has shut down", async () => {
    const bus = new InProcessBus();
    const { handle } = new AgentRegistry(bus).spawnEphemeral("late");
    await bus.close();
    assert.doesNotThrow(() => handle.close());
  });
});
