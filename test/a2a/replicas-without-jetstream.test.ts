// Serve replicas on a NATS server without JetStream (a server of its own, started here): the task history
// cannot be kept, which serve says in one log line, and followers use plain NATS subscriptions as before.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { after, test } from "node:test";
import type { DurableTaskStore } from "../../src/a2a/durable-task-store.ts";
import { replicasOf } from "../../src/app/serve/replicas.ts";
import { createBus } from "../../src/bus/index.ts";

const reason = spawnSync("nats-server", ["--version"]).error ? "nats-server is not installed" : undefined;
let server: ChildProcess | undefined;
after(() => server?.kill());

/** A NATS server without JetStream on a free port; resolves with its URL once it is ready for clients.
 * Its stderr is drained for its whole life: a Go program writing to a closed pipe dies of SIGPIPE. */
async function plainNatsServer(): Promise<string> {
  const child = spawn("nats-server", ["-a", "127.0.0.1", "-p", "-1"], { stdio: ["ignore", "ignore", "pipe"] });
  server = child;
  let log = "";
  return new Promise((resolve, reject) => {
    child.stderr!.on("data", (chunk) => {
      log += String(chunk);
      const port = /Listening for client connections on 127\.0\.0\.1:(\d+)/.exec(log)?.[1];
      if (port && log.includes("Server is ready")) resolve(`nats://127.0.0.1:${port}`);
    });
    child.once("exit", () => reject(new Error(`nats-server did not start: ${log}`)));
  });
}

test(
  "without JetStream, replicas still reach each other and serve logs once that followers get plain NATS",
  { skip: reason },
  async () => {
    const bus = await createBus({ url: await plainNatsServer(), subjectPrefix: "plain" });
    const store = { replicaId: "replica-a", ownerElsewhere: async () => undefined } as unknown as DurableTaskStore;
    const lines: string[] = [];
    const replicas = await replicasOf(store, bus, (line) => lines.push(line));
    assert.ok(replicas, "replicas on one database and one bus");
    assert.equal(replicas.history, undefined);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /codetether_tasks_plain.*JetStream is not enabled.*plain NATS/);
    await bus.close();
  },
);
