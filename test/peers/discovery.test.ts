import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { AgentRegistry, InProcessBus } from "../../src/bus/index.ts";
import { PeerDiscovery } from "../../src/peers/discovery.ts";
import { cardUrls, fetchPeerCard } from "../../src/peers/peer-card.ts";
import { resolvePeerToken } from "../../src/peers/peer-token.ts";
import { peerSeeds } from "../../src/peers/seeds.ts";
import { a2aCard, deadPeerUrl, startCardServer } from "./card-server.ts";

describe("peer seeds and tokens", () => {
  it("merges --peer and CODETETHER_A2A_PEERS, deduplicated, and rejects bad URLs in one line", () => {
    const env = { CODETETHER_A2A_PEERS: " http://b:2/a2a/ ,http://a:1/a2a,," };
    assert.deepEqual(peerSeeds(["http://a:1/a2a"], env), ["http://a:1/a2a", "http://b:2/a2a"]);
    assert.deepEqual(peerSeeds([], {}), []);
    assert.throws(() => peerSeeds(["localhost:4096"], {}), /invalid peer URL 'localhost:4096': only http/);
    assert.throws(() => peerSeeds(["not a url"], {}), /invalid peer URL 'not a url': use e\.g\./);
  });

  it("presents --peer-token, else CODETETHER_PEER_TOKEN, else the agent's own token", () => {
    const dir = mkdtempSync(join(tmpdir(), "peer-token-"));
    try {
      writeFileSync(join(dir, "auth-token"), "from-file\n");
      assert.equal(
        resolvePeerToken({ explicit: "flag", env: { CODETETHER_PEER_TOKEN: "peer" }, dataDir: dir }),
        "flag",
      );
      assert.equal(
        resolvePeerToken({ env: { CODETETHER_PEER_TOKEN: "peer", CODETETHER_AUTH_TOKEN: "own" }, dataDir: dir }),
        "peer",
      );
      assert.equal(resolvePeerToken({ env: { CODETETHER_AUTH_TOKEN: "own" }, dataDir: dir }), "own");
      assert.equal(resolvePeerToken({ env: {}, dataDir: dir }), "from-file");
      assert.equal(resolvePeerToken({ env: {}, dataDir: join(dir, "none") }), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("peer cards", () => {
  it("tries the seed's origin well-known paths, or the seed itself when it names a .json file", () => {
    assert.deepEqual(cardUrls("http://h:1/a2a"), [
      "http://h:1/.well-known/agent-card.json",
      "http://h:1/.well-known/agent.json",
    ]);
    assert.deepEqual(cardUrls("http://h:1/cards/me.json"), ["http://h:1/cards/me.json"]);
  });

  it("reads a 1.0 card (JSON-RPC endpoint, skills) and falls back to the legacy path and 0.3 url", async () => {
    const modern = await startCardServer((base) =>
      a2aCard("reviewer", base, [{ id: "code-review", name: "Code Review" }]),
    );
    const legacy = await startCardServer(
      (base) => ({ name: "old", url: `${base}/rpc`, skills: [{ id: "x" }] }),
      "/.well-known/agent.json",
    );
    try {
      const card = await fetchPeerCard(`${modern.url}/a2a`);
      assert.deepEqual(card, {
        name: "reviewer",
        description: "reviewer agent",
        url: `${modern.url}/a2a`,
        skills: [{ id: "code-review", name: "Code Review", tags: ["t"] }],
        version: "1.0.0",
      });
      const old = await fetchPeerCard(legacy.url);
      assert.deepEqual([old.url, old.skills], [`${legacy.url}/rpc`, [{ id: "x", name: "x" }]]);
      modern.up = false;
      await assert.rejects(fetchPeerCard(modern.url), /answered HTTP 503/);
    } finally {
      await modern.close();
      await legacy.close();
    }
    await assert.rejects(
      fetchPeerCard(await deadPeerUrl(), { timeoutMs: 1_000 }),
      /agent-card\.json: connection refused$/,
    );
  });
});

describe("PeerDiscovery", () => {
  it("keeps a table of live peers, enters them in the registry as remote and drops those that stop answering", async () => {
    const bus = new InProcessBus();
    const registry = new AgentRegistry(bus);
    registry.register({ name: "planner", description: "me", url: "http://127.0.0.1:1/a2a", skills: [] });
    const reviewer = await startCardServer((base) =>
      a2aCard("reviewer", base, [{ id: "code-review", name: "Code Review" }]),
    );
    const self = await startCardServer((base) => a2aCard("planner", base));
    const dead = await deadPeerUrl();
    const changes: string[] = [];
    const discovery = new PeerDiscovery({
      seeds: [reviewer.url, self.url, dead],
      registry,
      selfName: "planner",
      maxFailures: 2,
      timeoutMs: 1_000,
      intervalMs: 3_600_000, // rounds are driven by hand below
      onChange: (change) => changes.push(`${change.type}:${change.name ?? change.seed}`),
    });
    try {
      await discovery.start();
      const states = Object.fromEntries(discovery.table.list().map((e) => [e.seed, e.state]));
      assert.deepEqual(states, { [reviewer.url]: "live", [self.url]: "self", [dead]: "pending" });
      assert.deepEqual(
        discovery.table.live().map((p) => [p.name, p.url, p.skills.map((s) => s.id)]),
        [["reviewer", `${reviewer.url}/a2a`, ["code-review"]]],
      );
      assert.deepEqual(
        registry.list().map((c) => [c.name, c.remote ?? false]),
        [
          ["planner", false],
          ["reviewer", true],
        ],
      );

      reviewer.up = false;
      await discovery.refresh();
      assert.equal(registry.get("reviewer")?.remote, true, "one miss is tolerated");
      await discovery.refresh();
      assert.equal(registry.get("reviewer"), undefined);
      const entry = discovery.table.list().find((e) => e.seed === reviewer.url)!;
      assert.deepEqual(
        [entry.state, entry.failures, entry.lastError],
        ["unreachable", 2, `${reviewer.url}/.well-known/agent-card.json answered HTTP 503`],
      );
      assert.equal(discovery.table.list().find((e) => e.seed === dead)?.state, "unreachable");

      reviewer.up = true;
      await discovery.refresh();
      assert.equal(registry.get("reviewer")?.url, `${reviewer.url}/a2a`);
      assert.deepEqual(changes, ["live:reviewer", "dropped:reviewer", "live:reviewer"]);
    } finally {
      discovery.stop();
      await reviewer.close();
      await self.close();
      registry.close();
      await bus.close();
    }
  });
});
