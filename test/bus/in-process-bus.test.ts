import assert from "node:assert/strict";
import { it } from "node:test";
import { InProcessBus, type BusEnvelope } from "../../src/bus/index.ts";
import { describeBusSemantics } from "./bus-semantics.ts";
import { nextDelivery } from "./helpers.ts";

describeBusSemantics("in-process", { open: async () => new InProcessBus() });

it("in-process: hands subscribers the publisher's own payload object, not a copy", async () => {
  const bus = new InProcessBus();
  const subscription = bus.subscribe("agent.x");
  const payload = { big: new Array(1000).fill(0) };
  const sent = bus.publish({ topic: "agent.x", kind: "message", sender: "s", payload });
  const received = (await nextDelivery(subscription)) as BusEnvelope;
  assert.equal(received, sent);
  assert.equal(received.payload, payload);
  await bus.close();
});
