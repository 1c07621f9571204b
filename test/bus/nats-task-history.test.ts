// The task history (src/bus/nats-task-history.ts) on the local NATS server with JetStream: a follower whose
// connection drops for a while gets what the owner published meanwhile once it is back, in order, each once.
import assert from "node:assert/strict";
import { createServer, connect as tcpConnect, type Socket } from "node:net";
import { after, test } from "node:test";
import { createBus } from "../../src/bus/index.ts";
import type { Delivery } from "../../src/bus/envelope.ts";
import { natsFixture, natsUnavailableReason } from "./nats-fixture.ts";

const reason = await natsUnavailableReason();
const nats = natsFixture();
after(() => (reason ? undefined : nats.cleanUp()));

/** A TCP relay to the local NATS server whose open connections can be cut (the client then reconnects). */
async function relay() {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((client) => {
    connections++;
    const upstream = tcpConnect(4222, "127.0.0.1");
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.pipe(to);
      from.on("error", () => to.destroy());
      from.on("close", () => (sockets.delete(from), to.destroy()));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `nats://127.0.0.1:${port}`,
    cut: () => sockets.forEach((socket) => socket.destroy()),
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const payloadOf = (delivery: IteratorResult<Delivery>) =>
  delivery.done ? undefined : (delivery.value as { payload?: unknown }).payload;

test(
  "a follower cut off for a while gets what was published meanwhile, in order, each once",
  { skip: reason },
  async (t) => {
    const link = await relay();
    const owner = await nats.open();
    const follower = await createBus({ url: link.url, subjectPrefix: nats.prefix });
    t.after(async () => {
      await Promise.all([owner.close(), follower.close()]);
      await link.close();
    });
    const publish = (n: number) =>
      owner.publish({ topic: "task.t1", kind: "task_update", payload: n, sender: "owner" });
    const subscription = await (await follower.openTaskHistory!()).follow("t1", "first");
    publish(1);
    assert.equal(payloadOf(await subscription.next()), 1);

    link.cut();
    publish(2);
    publish(3);
    await owner.flush();
    assert.equal(payloadOf(await subscription.next()), 2);
    assert.equal(payloadOf(await subscription.next()), 3);
    publish(4);
    assert.equal(payloadOf(await subscription.next()), 4, "nothing again, nothing missing");
    assert.equal(link.connections(), 2, "the follower was cut off and reconnected");
    subscription.close();
  },
);
