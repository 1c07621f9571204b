// One behavioural contract, run against every AgentBus implementation.
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import {
  BusClosedError,
  BusNoResponderError,
  BusTimeoutError,
  BusToolError,
  callTool,
  createBusHandle,
  serveTool,
  topics,
  type AgentBus,
  type BusEnvelope,
  type Delivery,
} from "../../src/bus/index.ts";
import { nextDelivery, payloads, takeDeliveries, waitFor } from "./helpers.ts";

export interface BusFixture {
  open(): Promise<AgentBus>;
}

export function describeBusSemantics(name: string, fixture: BusFixture, skip?: string): void {
  describe(`${name}: AgentBus semantics`, { skip }, () => {
    async function openBus(t: TestContext): Promise<AgentBus> {
      const bus = await fixture.open();
      t.after(() => bus.close());
      return bus;
    }

    it("routes exact topics and NATS-style wildcards", async (t) => {
      const bus = await openBus(t);
      const oneToken = bus.subscribe("agent.*");
      const rest = bus.subscribe("agent.>");
      const events = bus.subscribe("agent.*.events");
      const exact = bus.subscribe("agent.a1");
      const anyEvents = bus.subscribe("*.*.events");
      const everything = bus.subscribe(">");
      await bus.flush();
      for (const topic of ["agent.a1", "agent.a1.events", "task.t1", "agent.a2"]) {
        bus.publish({ topic, kind: "message", sender: "s", payload: topic });
      }
      assert.deepEqual(payloads(await takeDeliveries(oneToken, 2)), ["agent.a1", "agent.a2"]);
      assert.deepEqual(payloads(await takeDeliveries(rest, 3)), ["agent.a1", "agent.a1.events", "agent.a2"]);
      assert.deepEqual(payloads(await takeDeliveries(events, 1)), ["agent.a1.events"]);
      assert.deepEqual(payloads(await takeDeliveries(anyEvents, 1)), ["agent.a1.events"]);
      assert.deepEqual(payloads(await takeDeliveries(everything, 4)), [
        "agent.a1",
        "agent.a1.events",
        "task.t1",
        "agent.a2",
      ]);
      const first = await nextDelivery(exact);
      assert.equal(first.kind === "message" && first.topic, "agent.a1");
    });

    it("keeps each publisher's order", async (t) => {
      const bus = await openBus(t);
      const subscription = bus.subscribe("swarm.s1");
      await bus.flush();
      for (let i = 0; i < 200; i++) {
        for (const sender of ["p1", "p2"]) bus.publish({ topic: "swarm.s1", kind: "message", sender, payload: i });
      }
      const bySender = new Map<string, unknown[]>();
      for (const delivery of await takeDeliveries(subscription, 400)) {
        assert.notEqual(delivery.kind, "lagged");
        const envelope = delivery as BusEnvelope;
        bySender.set(envelope.sender, [...(bySender.get(envelope.sender) ?? []), envelope.payload]);
      }
      const expected = Array.from({ length: 200 }, (_, i) => i);
      assert.deepEqual(bySender.get("p1"), expected);
      assert.deepEqual(bySender.get("p2"), expected);
    });

    it("drops the oldest messages of a slow subscriber and says how many", async (t) => {
      const bus = await openBus(t);
      const slow = bus.subscribe("task.t2", { queueSize: 3 });
      await bus.flush();
      for (let i = 0; i < 10; i++) bus.publish({ topic: "task.t2", kind: "task_update", sender: "s", payload: i });
      await bus.flush();
      assert.deepEqual(payloads(await takeDeliveries(slow, 4)), ["lagged:7", 7, 8, 9]);
      assert.equal(slow.dropped, 7);
      bus.publish({ topic: "task.t2", kind: "task_update", sender: "s", payload: 10 });
      assert.deepEqual(payloads([await nextDelivery(slow)]), [10]); // caught up: no further notice
    });

    it("delivers to callbacks in order and stops when closed", async (t) => {
      const bus = await openBus(t);
      const seen: unknown[] = [];
      let resolveThird: () => void;
      const third = new Promise<void>((resolve) => (resolveThird = resolve));
      const subscription = bus.subscribe("broadcast", {
        onDelivery: async (delivery: Delivery) => {
          await new Promise((resolve) => setImmediate(resolve)); // a slow async handler is awaited, not overlapped
          seen.push(delivery.kind === "lagged" ? "lagged" : delivery.payload);
          if (seen.length === 3) resolveThird();
        },
      });
      await bus.flush();
      for (const payload of [1, 2, 3]) bus.publish({ topic: "broadcast", kind: "event", sender: "s", payload });
      await third;
      subscription.close();
      bus.publish({ topic: "broadcast", kind: "event", sender: "s", payload: 4 });
      await bus.flush();
      assert.deepEqual(seen, [1, 2, 3]);
      assert.throws(() => subscription.next(), /callback/);
    });

    it("answers a request and carries its correlation", async (t) => {
      const bus = await openBus(t);
      bus.subscribe("agent.responder", {
        onDelivery: (delivery) => {
          if (delivery.kind === "lagged") return;
          bus.reply(delivery, {
            kind: "message",
            sender: "responder",
            payload: { echo: delivery.payload },
            correlation: delivery.correlation,
          });
        },
      });
      await bus.flush();
      const reply = await bus.request<{ echo: string }>(
        { topic: "agent.responder", kind: "message", sender: "asker", payload: "ping", correlation: { task_id: "t9" } },
        { timeoutMs: 2_000 },
      );
      assert.deepEqual(reply.payload, { echo: "ping" });
      assert.equal(reply.sender, "responder");
      assert.deepEqual(reply.correlation, { task_id: "t9" });
    });

    it("rejects a request nobody answers in time, with a clear error", async (t) => {
      const bus = await openBus(t);
      bus.subscribe("agent.silent"); // listens but never replies
      await bus.flush();
      const started = Date.now();
      await assert.rejects(
        bus.request({ topic: "agent.silent", kind: "message", sender: "asker", payload: null }, { timeoutMs: 50 }),
        (error: unknown) =>
          error instanceof BusTimeoutError && error.message === "no reply on 'agent.silent' within 50 ms",
      );
      assert.ok(Date.now() - started < 1_500);
    });

    it("rejects at once a request to a topic with no subscriber", async (t) => {
      const bus = await openBus(t);
      await assert.rejects(
        bus.request({ topic: "agent.nobody", kind: "message", sender: "asker", payload: null }, { timeoutMs: 5_000 }),
        BusNoResponderError,
      );
    });

    it("keeps the last value of each results key", async (t) => {
      const bus = await openBus(t);
      bus.publish({ topic: topics.result("swarm.s1"), kind: "result", sender: "a", payload: { v: 1 } });
      bus.publish({ topic: topics.result("swarm.s1"), kind: "result", sender: "b", payload: { v: 2 } });
      bus.publish({ topic: topics.result("other:key"), kind: "result", sender: "c", payload: "x" });
      const last = await bus.getResult<{ v: number }>("swarm.s1");
      assert.deepEqual([last?.payload, last?.sender, last?.kind], [{ v: 2 }, "b", "result"]);
      assert.equal((await bus.getResult("other:key"))?.payload, "x");
      assert.equal(await bus.getResult("never.published"), undefined);
    });

    it("calls a tool hosted by another agent, passing results and errors back", async (t) => {
      const bus = await openBus(t);
      const host = serveTool<{ a: number; b: number }, number>(bus, "add", ({ a, b }) => {
        if (a < 0) throw new Error("negative input\nstack detail");
        return a + b;
      });
      await bus.flush();
      assert.equal(await callTool<number>(bus, "add", { a: 2, b: 3 }, { timeoutMs: 2_000, sender: "caller" }), 5);
      await assert.rejects(callTool(bus, "add", { a: -1, b: 0 }, { timeoutMs: 2_000 }), (error: unknown) => {
        return error instanceof BusToolError && error.message === "tool 'add' failed: negative input";
      });
      host.close();
      await bus.flush();
      await assert.rejects(callTool(bus, "add", { a: 1, b: 1 }, { timeoutMs: 2_000 }), /no agent serves this tool/);
    });

    it("runs a tool served by several agents once per call", async (t) => {
      const bus = await openBus(t);
      const runs = { a: 0, b: 0 };
      const hosts = (["a", "b"] as const).map((host) => serveTool(bus, "count", () => ++runs[host]));
      await bus.flush();
      const calls = 20;
      for (let i = 0; i < calls; i++) await callTool(bus, "count", {}, { timeoutMs: 2_000 });
      assert.equal(runs.a + runs.b, calls);
      hosts.forEach((host) => host.close());
    });

    it("splits a queue group's messages while plain subscribers get them all", async (t) => {
      const bus = await openBus(t);
      const plain = bus.subscribe("swarm.q");
      const received: unknown[] = [];
      const collect = (delivery: Delivery) =>
        void received.push(delivery.kind === "lagged" ? "lagged" : delivery.payload);
      bus.subscribe("swarm.q", { queue: "workers", onDelivery: collect });
      bus.subscribe("swarm.q", { queue: "workers", onDelivery: collect });
      await bus.flush();
      for (let i = 0; i < 10; i++) bus.publish({ topic: "swarm.q", kind: "message", sender: "s", payload: i });
      assert.deepEqual(payloads(await takeDeliveries(plain, 10)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      await waitFor(() => received.length >= 10, "the queue group's deliveries");
      await new Promise((resolve) => setTimeout(resolve, 20)); // room for a duplicate to show up, if any
      assert.deepEqual(received.sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it("gives each agent a handle for its inbox, events and task updates", async (t) => {
      const bus = await openBus(t);
      const alice = createBusHandle(bus, "alice", { correlation: { session_id: "sess1" } });
      const bob = createBusHandle(bus, "bob");
      const events = bus.subscribe("agent.*.events");
      const task = bus.subscribe(topics.task("t5"));
      await bus.flush();
      alice.send("bob", { text: "hi" });
      alice.publishEvent({ type: "text", delta: "x" });
      alice.publishTaskUpdate("t5", { state: "working" });
      const received = (await nextDelivery(bob.receive())) as BusEnvelope;
      assert.deepEqual(
        [received.topic, received.kind, received.sender, received.payload],
        ["agent.bob", "message", "alice", { text: "hi" }],
      );
      assert.deepEqual(received.correlation, { session_id: "sess1" });
      const event = (await nextDelivery(events)) as BusEnvelope;
      assert.deepEqual([event.topic, event.kind], ["agent.alice.events", "event"]);
      const update = (await nextDelivery(task)) as BusEnvelope;
      assert.deepEqual([update.kind, update.correlation], ["task_update", { session_id: "sess1", task_id: "t5" }]);
      bob.close();
      assert.equal(bob.receive().closed, true);
      alice.close();
    });

    it("ends every subscription when the bus closes", async (t) => {
      const bus = await fixture.open();
      t.after(() => bus.close());
      const subscription = bus.subscribe("broadcast");
      const pending = subscription.next();
      await bus.close();
      assert.deepEqual(await pending, { done: true, value: undefined });
      assert.throws(() => bus.publish({ topic: "broadcast", kind: "event", sender: "s", payload: 1 }), BusClosedError);
      await assert.rejects(bus.getResult("any"), BusClosedError);
    });

    it("rejects malformed topics and patterns", async (t) => {
      const bus = await openBus(t);
      assert.throws(() => bus.publish({ topic: "agent.*", kind: "event", sender: "s", payload: 1 }), /invalid topic/);
      assert.throws(() => bus.publish({ topic: "agent..x", kind: "event", sender: "s", payload: 1 }), /invalid topic/);
      assert.throws(() => bus.subscribe("agent.>.events"), /invalid subscription pattern/);
      assert.throws(() => createBusHandle(bus, "a.b"), /invalid agent id/);
    });
  });
}
