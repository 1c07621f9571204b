import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { v1Peer } from "../a2a/peers.ts";
import { startServe, TOKEN } from "../a2a/serve-process.ts";
import { postgresUnavailableReason } from "./pg-fixture.ts";
import { twoReplicas } from "./two-serves.ts";

const reason = await postgresUnavailableReason();

test(
  "two serves on one database: a context's next turn on B continues the conversation of A, and back",
  { skip: reason },
  async (t) => {
    const { a, b, fake } = await twoReplicas(t);
    const onA = await v1Peer(a.endpoints.http, TOKEN, "JSONRPC");
    const onB = await v1Peer(b.endpoints.http, TOKEN, "HTTP+JSON");
    const tag = randomUUID();
    const turns = [`first-${tag}`, `second-${tag}`, `third-${tag}`];
    for (const [index, turn] of turns.entries())
      fake.push({ match: { lastUserContains: turn }, items: [{ text: `answer ${index + 1}` }] });

    const first = await onA.send(turns[0]!);
    assert.equal(first.state, "completed");
    const second = await onB.send(turns[1]!, { contextId: first.contextId });
    assert.equal(second.state, "completed");
    // A's own copy is a turn behind: it continues from what B committed.
    const third = await onA.send(turns[2]!, { contextId: first.contextId });
    assert.equal(third.state, "completed");

    const usersOf = (turn: string) => fake.requests.find((r) => r.prompt.users.at(-1)?.includes(turn))!.prompt.users;
    assert.deepEqual(
      usersOf(turns[1]!).filter((text) => text.includes(tag)),
      turns.slice(0, 2),
    );
    assert.deepEqual(
      usersOf(turns[2]!).filter((text) => text.includes(tag)),
      turns,
    );
    assert.equal(await a.stop(), 0);
    assert.equal(await b.stop(), 0);
  },
);

test(
  "second run: a replica stopped and started again on its data dir continues a context and lists its tasks",
  { skip: reason },
  async (t) => {
    const { a, fake, env, toml } = await twoReplicas(t);
    const tag = randomUUID();
    fake.push({ match: { lastUserContains: `before-${tag}` }, items: [{ text: "answer before" }] });
    fake.push({ match: { lastUserContains: `after-${tag}` }, items: [{ text: "answer after" }] });
    const first = await (await v1Peer(a.endpoints.http, TOKEN, "JSONRPC")).send(`before-${tag}`);
    assert.equal(first.state, "completed");
    assert.equal(await a.stop(), 0);

    // Same data dir (its session copy, logs, lock file) and the same database, already migrated.
    const again = await startServe({ fake, env, toml, sandbox: a.sandbox });
    t.after(() => again.kill().catch(() => undefined));
    assert.doesNotMatch(again.stderr(), /database migrated/);
    const peer = await v1Peer(again.endpoints.http, TOKEN, "HTTP+JSON");
    const next = await peer.send(`after-${tag}`, { contextId: first.contextId });
    assert.equal(next.state, "completed");
    const users = fake.requests.find((r) => r.prompt.users.at(-1)?.includes(`after-${tag}`))!.prompt.users;
    assert.deepEqual(
      users.filter((text) => text.includes(tag)),
      [`before-${tag}`, `after-${tag}`],
    );
    assert.ok((await peer.list!(50)).ids.includes(first.id));
    assert.equal(await again.stop(), 0);
  },
);
