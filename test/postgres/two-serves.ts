import type { TestContext } from "node:test";
import pg from "pg";
import { startFakeModel } from "../support/fake-model.ts";
import { startServe } from "../a2a/serve-process.ts";
import { startReceiver } from "../a2a/webhook-receiver.ts";
import { freshDatabase } from "./pg-fixture.ts";

/**
 * Two serves (own sandboxes, data dirs and SQLite files) on one fresh database, their scripted model, a
 * webhook receiver, and a client of the database.
 */
export async function twoReplicas(t: TestContext) {
  const fake = await startFakeModel();
  const database = await freshDatabase();
  const env = { CODETETHER_DATABASE_URL: database.url };
  const toml = "[storage]\nlease_secs = 1\n";
  const a = await startServe({ fake, env, toml });
  const b = await startServe({ fake, env, toml });
  const receiver = await startReceiver();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  // In this order: the database is dropped last, once nothing is connected to it.
  t.after(async () => {
    await Promise.all([a.kill().catch(() => undefined), b.kill().catch(() => undefined), client.end()]);
    receiver.server.close();
    await Promise.all([fake.close(), database.drop()]);
  });
  return { a, b, receiver, client, fake, env, toml };
}
