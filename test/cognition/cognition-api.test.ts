// The cognition and persona APIs of a real `codetether serve`, with the scripted fake model as thinker:
// the loop and its stream (resume included), personas and their limits, budgets and idle reaping, the
// fallback when the thinker fails, bad input, auth, audit, and a restart over the same data dir.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { startServe, waitFor, type ServeProcess } from "../a2a/serve-process.ts";
import { api } from "../worker/cluster.ts";
import { currentSeq, ofType, readStream } from "./stream.ts";

const ROOT_THOUGHT =
  "Hypothesis: the workspace's next useful step is a failing test for the parser. Check it before proposing more.";
const COGNITION_ENV = {
  CODETETHER_COGNITION_LOOP_INTERVAL_MS: "150",
  CODETETHER_COGNITION_THINKER_TIMEOUT_MS: "1500",
};

describe("cognition API", () => {
  let fake: FakeModel;
  let serve: ServeProcess;
  before(async () => {
    fake = await startFakeModel();
    serve = await startServe({ fake, env: COGNITION_ENV });
  });
  after(async () => {
    await serve.kill();
    await fake.close();
    serve.sandbox.cleanup();
  });

  it("requires the token on every route", async () => {
    const base = serve.endpoints.http;
    for (const [method, path] of [
      ["GET", "/v1/cognition/status"],
      ["POST", "/v1/cognition/start"],
      ["GET", "/v1/cognition/stream"],
      ["GET", "/v1/cognition/snapshots/latest"],
      ["POST", "/v1/swarm/personas"],
      ["POST", "/v1/swarm/personas/root-thinker/reap"],
      ["GET", "/v1/swarm/lineage"],
    ]) {
      const res = await fetch(`${base}${path}`, { method });
      assert.equal(res.status, 401, `${method} ${path}`);
    }
    assert.equal(
      (await api(serve, "GET", "/v1/cognition/status", undefined, { authorization: "Bearer wrong" })).status,
      401,
    );
  });

  it("reports an idle loop before the first start", async () => {
    const { status, body } = await api(serve, "GET", "/v1/cognition/status");
    assert.equal(status, 200);
    assert.deepEqual(
      { ...body, loop_interval_ms: undefined },
      {
        enabled: true,
        running: false,
        loop_interval_ms: undefined,
        started_at: null,
        last_tick_at: null,
        persona_count: 0,
        active_persona_count: 0,
        events_buffered: 0,
        snapshots_buffered: 0,
        latest_thought: null,
      },
    );
    assert.equal((await api(serve, "GET", "/v1/cognition/snapshots/latest")).status, 404);
  });

  it("start seeds root-thinker, which observes, reflects through the model, tests, proposes and compresses", async () => {
    fake.push({ match: { systemContains: "You are root-thinker" }, items: [{ text: ROOT_THOUGHT }] });
    const started = await api(serve, "POST", "/v1/cognition/start", { loop_interval_ms: 200 });
    assert.equal(started.status, 200);
    assert.equal(started.body.running, true);
    assert.equal(started.body.loop_interval_ms, 200);
    assert.equal(started.body.active_persona_count, 1);

    const events = await readStream(serve.endpoints.http, (seen) => ofType(seen, "snapshot_compressed").length > 0);
    assert.deepEqual(
      events.map((e) => e.name),
      [
        "persona_spawned",
        "thought_generated",
        "hypothesis_raised",
        "check_requested",
        "check_result",
        "proposal_created",
        "snapshot_compressed",
      ],
    );
    assert.deepEqual(
      events.map((e) => e.seq - events[0]!.seq),
      [0, 1, 2, 3, 4, 5, 6],
    );
    assert.ok(events[0]!.seq > (Date.now() - 3_600_000) * 1000, "above any id an earlier serve handed out");
    const [spawned, thought, hypothesis, , check, proposal] = events.map((e) => e.event);
    assert.equal(spawned!.persona_id, "root-thinker");
    assert.equal(spawned!.payload.origin, "seed");
    assert.equal(thought!.payload.thought, ROOT_THOUGHT);
    assert.equal(thought!.payload.source, "model");
    assert.ok((thought!.payload.tokens as number) > 0, "(thought!.payload.tokens as number) > 0");
    assert.match(String(hypothesis!.payload.hypothesis), /^Hypothesis: the workspace's next useful step/);
    assert.equal(check!.payload.passed, true);
    assert.equal(proposal!.payload.status, "proposed");
    assert.equal(proposal!.payload.rationale, ROOT_THOUGHT);
    assert.match(thought!.id, /^[0-9a-f-]{36}$/);
    assert.equal(thought!.swarm_id, spawned!.swarm_id);

    // The thinker call: the persona's charter as system prompt, no tools, the configured limits.
    const request = fake.requests.find((r) => r.prompt.system.includes("You are root-thinker"))!;
    assert.match(request.prompt.system, /Watch the workspace's work/);
    assert.equal(request.body.tools, undefined);
    assert.equal(request.body.max_tokens ?? request.body.max_completion_tokens, 256);
    assert.equal(request.body.temperature, 0.2);

    const status = (await api(serve, "GET", "/v1/cognition/status")).body;
    assert.equal(status.running, true);
    assert.ok(status.last_tick_at, "status.last_tick_at");
    assert.equal(status.persona_count, 1);
    assert.ok(status.snapshots_buffered >= 1, "status.snapshots_buffered >= 1");
    assert.equal(status.latest_thought.persona_id, "root-thinker");
    assert.equal(typeof status.latest_thought.content, "string");

    const snapshot = (await api(serve, "GET", "/v1/cognition/snapshots/latest")).body;
    assert.deepEqual(snapshot.persona_scope, ["root-thinker"]);
    assert.match(snapshot.summary, /^root-thinker: /);
  });

  it("resumes the stream after Last-Event-ID (header or query), and replays all on a stale id", async () => {
    const first = await readStream(serve.endpoints.http, (seen) => seen.length >= 5);
    const resumed = await readStream(serve.endpoints.http, (seen) => seen.length >= 2, {
      lastEventId: String(first[2]!.seq),
    });
    assert.deepEqual(
      resumed.map((e) => e.event.id),
      [first[3]!.event.id, first[4]!.event.id],
    );
    const byQuery = await readStream(serve.endpoints.http, (seen) => seen.length >= 1, {
      query: `?last_event_id=${first[3]!.seq}`,
    });
    assert.equal(byQuery[0]!.seq, first[4]!.seq);
    // An id from an earlier serve (below this one's first) gets every event of this one, none skipped.
    const stale = await readStream(serve.endpoints.http, (seen) => seen.length >= 1, { lastEventId: "999999999" });
    assert.equal(stale[0]!.seq, first[0]!.seq);
  });

  it("falls back to a deterministic thought when the thinker fails or times out", async () => {
    const after = String(await currentSeq(serve.endpoints.http));
    fake.push(
      { match: { systemContains: "You are root-thinker" }, error: { status: 500 } },
      { match: { systemContains: "You are root-thinker" }, delayMs: 5000, items: [{ text: "too late" }] },
    );
    const events = await readStream(
      serve.endpoints.http,
      (seen) => ofType(seen, "check_result").filter((e) => e.payload.model_source === false).length >= 2,
      { lastEventId: after },
    );
    const fallbacks = ofType(events, "thought_generated").filter((e) => e.payload.source === "fallback");
    assert.match(String(fallbacks[0]!.payload.thought), /^root-thinker \(orchestrator\), tick \d+: no model thought/);
    assert.ok(fallbacks[0]!.payload.fallback_reason, "fallbacks[0]!.payload.fallback_reason");
    assert.equal(fallbacks[1]!.payload.fallback_reason, "timed out after 1500 ms");
    // Fallback thoughts are never proposals.
    const checks = ofType(events, "check_result").filter((e) => e.payload.model_source === false);
    assert.deepEqual(
      checks.map((e) => e.payload.passed),
      [false, false],
    );
    assert.equal(
      ofType(events, "proposal_created").filter((e) => String(e.payload.rationale).includes("no model thought")).length,
      0,
    );
  });

  it("creates personas, spawns children within depth and branching limits, reaps with cascade, shows the lineage", async () => {
    const created = await api(serve, "POST", "/v1/swarm/personas", {
      persona_id: "planner",
      name: "planner",
      role: "release planner",
      charter: "Plan the release checklist.",
      policy: { max_spawn_depth: 1, max_branching_factor: 2 },
      tags: ["release"],
    });
    assert.equal(created.status, 200);
    const planner = created.body.persona;
    assert.deepEqual([planner.depth, planner.parent_id, planner.status], [0, null, "active"]);
    assert.equal(planner.policy.max_spawn_depth, 1);
    assert.equal(planner.policy.token_budget_per_minute, 20000);

    const a = (await api(serve, "POST", "/v1/swarm/personas/planner/spawn", { persona_id: "planner-a", name: "a" }))
      .body.persona;
    assert.deepEqual(
      [a.depth, a.parent_id, a.swarm_id, a.role, a.tags],
      [1, "planner", planner.swarm_id, "release planner", ["release"]],
    );
    const b = await api(serve, "POST", "/v1/swarm/personas/planner/spawn");
    assert.equal(b.status, 200);
    assert.match(b.body.persona.persona_id, /^[0-9a-f-]{36}$/);
    const third = await api(serve, "POST", "/v1/swarm/personas/planner/spawn", {});
    assert.equal(third.status, 409);
    assert.match(third.body.error.message, /already has 2 active children \(max_branching_factor 2\)/);
    const deep = await api(serve, "POST", "/v1/swarm/personas/planner-a/spawn", {});
    assert.equal(deep.status, 409);
    assert.match(deep.body.error.message, /spawn depth 2 exceeds max_spawn_depth 1/);
    // Through parent_id on create, the same rules; a child's policy never exceeds its parent's.
    const viaParent = await api(serve, "POST", "/v1/swarm/personas", {
      name: "c",
      role: "r",
      charter: "c",
      parent_id: "planner",
    });
    assert.equal(viaParent.status, 409);
    const wide = await api(serve, "POST", "/v1/swarm/personas", {
      persona_id: "wide",
      name: "wide",
      role: "explorer",
      charter: "Explore widely.",
      policy: { max_spawn_depth: 10, max_branching_factor: 9 },
    });
    assert.deepEqual([wide.body.persona.policy.max_spawn_depth, wide.body.persona.policy.max_branching_factor], [4, 4]);
    const child = await api(serve, "POST", "/v1/swarm/personas/wide/spawn", { policy: { max_spawn_depth: 2 } });
    assert.equal(child.body.persona.policy.max_spawn_depth, 2);

    const lineage = (await api(serve, "GET", "/v1/swarm/lineage")).body;
    const node = (id: string) => lineage.nodes.find((n: any) => n.persona_id === id);
    assert.deepEqual(node("planner").children, ["planner-a", b.body.persona.persona_id]);
    assert.deepEqual(lineage.roots, ["root-thinker", "planner", "wide"]);
    assert.equal(lineage.total_edges, 3);

    const reaped = await api(serve, "POST", "/v1/swarm/personas/planner/reap", {
      cascade: true,
      reason: "release done",
    });
    assert.equal(reaped.status, 200);
    assert.deepEqual(reaped.body, { reaped_ids: ["planner", "planner-a", b.body.persona.persona_id], count: 3 });
    assert.deepEqual((await api(serve, "POST", "/v1/swarm/personas/planner/reap", { cascade: true })).body, {
      reaped_ids: [],
      count: 0,
    });
    const solo = await api(serve, "POST", "/v1/swarm/personas/wide/reap", { reason: "narrowing" });
    assert.deepEqual(solo.body, { reaped_ids: ["wide"], count: 1 });
    const after = (await api(serve, "GET", "/v1/swarm/lineage")).body;
    const status = (id: string) => after.nodes.find((n: any) => n.persona_id === id).status;
    assert.deepEqual(["planner", "planner-a", "wide", child.body.persona.persona_id].map(status), [
      "reaped",
      "reaped",
      "reaped",
      "active",
    ]);
    const spawnReaped = await api(serve, "POST", "/v1/swarm/personas/planner/spawn", {});
    assert.equal(spawnReaped.status, 409);

    for (const path of ["/v1/swarm/personas/nobody/spawn", "/v1/swarm/personas/nobody/reap"]) {
      const missing = await api(serve, "POST", path, {});
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.message, "no persona 'nobody'");
    }
    // The child of "wide" goes on thinking; stop it so later tests see only the personas they create.
    await api(serve, "POST", `/v1/swarm/personas/${child.body.persona.persona_id}/reap`, {});
  });

  it("pauses a persona over its token budget (budget_paused) and reaps one idle past its TTL (idle_reaped)", async () => {
    const lastSeq = await currentSeq(serve.endpoints.http);
    const persona = (id: string, policy: object) =>
      api(serve, "POST", "/v1/swarm/personas", {
        persona_id: id,
        name: id,
        role: "tester",
        charter: "Test things.",
        policy,
      });
    assert.equal((await persona("frugal", { token_budget_per_minute: 1 })).status, 200);
    assert.equal((await persona("busy", { compute_ms_per_minute: 1 })).status, 200);
    // The exhausted script answers the same text every time: nothing new, so the persona is idle.
    assert.equal((await persona("sleepy", { idle_ttl_secs: 1 })).status, 200);
    const events = await readStream(
      serve.endpoints.http,
      (seen) =>
        ofType(seen, "budget_paused", "frugal").length > 0 &&
        ofType(seen, "budget_paused", "busy").length > 0 &&
        ofType(seen, "idle_reaped", "sleepy").length > 0,
      { lastEventId: String(lastSeq) },
    );
    const paused = ofType(events, "budget_paused", "frugal")[0]!;
    assert.equal(paused.payload.reason, "token_budget_per_minute");
    assert.equal(paused.payload.budget, 1);
    assert.ok((paused.payload.used as number) > 1, "(paused.payload.used as number) > 1");
    assert.equal(ofType(events, "thought_generated", "frugal").length, 1);
    assert.equal(ofType(events, "budget_paused", "busy")[0]!.payload.reason, "compute_ms_per_minute");
    assert.equal(ofType(events, "thought_generated", "busy").length, 1);
    const idle = ofType(events, "idle_reaped", "sleepy")[0]!;
    assert.match(String(idle.payload.reason), /^idle for \d+ s \(idle_ttl_secs 1\)$/);
    const lineage = (await api(serve, "GET", "/v1/swarm/lineage")).body;
    assert.equal(lineage.nodes.find((n: any) => n.persona_id === "sleepy").status, "reaped");
    // Paused, not reaped: frugal stays active and thinks no more this minute.
    const later = await readStream(serve.endpoints.http, (seen) => ofType(seen, "snapshot_compressed").length >= 2, {
      lastEventId: String(events.at(-1)!.seq),
    });
    assert.equal(ofType(later, "thought_generated", "frugal").length, 0);
  });

  it("answers bad input with 400 and a clear message", async () => {
    const cases: Array<[string, string, unknown, RegExp, Record<string, string>?]> = [
      ["POST", "/v1/swarm/personas", undefined, /request body must be a JSON object/],
      ["POST", "/v1/swarm/personas", {}, /^missing field 'name'$/],
      ["POST", "/v1/swarm/personas", { name: "n", role: "r", charter: "c", bogus: 1 }, /^unknown field 'bogus'$/],
      [
        "POST",
        "/v1/swarm/personas",
        { name: "n", role: "r", charter: "c", persona_id: "../x" },
        /^invalid 'persona_id'/,
      ],
      [
        "POST",
        "/v1/swarm/personas",
        { name: "n", role: "r", charter: "c", policy: { max_spawn_depth: -1 } },
        /^invalid 'policy.max_spawn_depth'/,
      ],
      ["POST", "/v1/swarm/personas", "{not json", /^the request body is not valid JSON$/],
      ["POST", "/v1/swarm/personas", [1], /must be a JSON object/],
      ["POST", "/v1/cognition/start", { loop_interval_ms: 5 }, /^invalid 'loop_interval_ms'/],
      ["POST", "/v1/cognition/start", { seed_persona: { name: "x" } }, /^missing field 'seed_persona.role'$/],
      ["POST", "/v1/cognition/stop", { reason: 7 }, /^invalid 'reason'/],
      ["POST", "/v1/swarm/personas/root-thinker/reap", { cascade: "yes" }, /^invalid 'cascade'/],
      ["POST", "/v1/swarm/personas/root-thinker/spawn", { depth: 3 }, /^unknown field 'depth'$/],
      ["GET", "/v1/cognition/stream", undefined, /^invalid Last-Event-ID 'abc'/, { "last-event-id": "abc" }],
    ];
    for (const [method, path, body, message, headers] of cases) {
      const res = await api(serve, method, path, body, headers);
      assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.error.message, message);
    }
    const duplicate = await api(serve, "POST", "/v1/swarm/personas", {
      persona_id: "frugal",
      name: "n",
      role: "r",
      charter: "c",
    });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.error.message, "persona 'frugal' already exists");
  });

  it("audits every mutation as cognition.*, refusals and idle reaps included", async () => {
    const query = (filter: object) =>
      api(serve, "POST", "/v1/audit/query", filter).then((r) => r.body.events as Array<Record<string, any>>);
    const starts = await waitFor(async () => {
      const found = await query({ action: "cognition.start" });
      return found.length ? found : undefined;
    }, "the audit of cognition.start");
    assert.match(starts[0]!.actor, /^token:[0-9a-f]{12}$/);
    assert.deepEqual([starts[0]!.resource, starts[0]!.status], ["/v1/cognition/start", "ok"]);
    const reaps = await query({ action: "cognition.persona_reap" });
    assert.ok(
      reaps.some((r) => r.resource === "/v1/swarm/personas/planner/reap" && r.status === "ok"),
      'reaps.some((r) => r.resource === "/v1/swarm/personas/planner/reap" && r.status === "ok")',
    );
    assert.ok(
      reaps.some((r) => r.resource === "/v1/swarm/personas/nobody/reap" && r.status === "404"),
      'reaps.some((r) => r.resource === "/v1/swarm/personas/nobody/reap" && r.status === "404")',
    );
    const spawns = await query({ action: "cognition.persona_spawn", status: "409" });
    assert.ok(
      spawns.some((r) => /max_branching_factor/.test(r.details.message)),
      "spawns.some((r) => /max_branching_factor/.test(r.details.message))",
    );
    const idle = await query({ action: "cognition.idle_reaped" });
    assert.deepEqual([idle[0]!.actor, idle[0]!.resource], ["cognition", "/v1/swarm/personas/sleepy"]);
    assert.ok(
      (await query({ action: "cognition.persona_create", status: "400" })).length > 0,
      '(await query({ action: "cognition.persona_create", status: "400" })).length > 0',
    );
  });

  it("stops on request, then keeps personas and snapshots across a restart (AUTO_START starts the loop again)", async () => {
    const stopped = await api(serve, "POST", "/v1/cognition/stop", { reason: "maintenance" });
    assert.deepEqual([stopped.status, stopped.body.running, stopped.body.reason], [200, false, "maintenance"]);
    const before = {
      lineage: (await api(serve, "GET", "/v1/swarm/lineage")).body,
      snapshot: (await api(serve, "GET", "/v1/cognition/snapshots/latest")).body,
      status: (await api(serve, "GET", "/v1/cognition/status")).body,
    };
    const seq = await currentSeq(serve.endpoints.http);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await currentSeq(serve.endpoints.http), seq, "no event after the stop");

    assert.equal(await serve.stop(), 0);
    serve = await startServe({
      fake,
      sandbox: serve.sandbox,
      env: {
        ...COGNITION_ENV,
        CODETETHER_COGNITION_AUTO_START: "true",
        CODETETHER_COGNITION_LOOP_INTERVAL_MS: "60000",
      },
    });
    const status = (await api(serve, "GET", "/v1/cognition/status")).body;
    assert.equal(status.running, true);
    assert.equal(status.persona_count, before.status.persona_count);
    assert.equal(status.active_persona_count, before.status.active_persona_count);
    assert.equal(status.snapshots_buffered, before.status.snapshots_buffered);
    assert.deepEqual((await api(serve, "GET", "/v1/swarm/lineage")).body, before.lineage);
    assert.deepEqual((await api(serve, "GET", "/v1/cognition/snapshots/latest")).body, before.snapshot);

    // A start with seed_persona seeds that persona (and not root-thinker again).
    const seeded = await api(serve, "POST", "/v1/cognition/start", {
      seed_persona: { persona_id: "seeded", name: "seeded", role: "critic", charter: "Criticise proposals." },
    });
    assert.equal(seeded.status, 200);
    const lineage = (await api(serve, "GET", "/v1/swarm/lineage")).body;
    assert.equal(lineage.nodes.find((n: any) => n.persona_id === "seeded").status, "active");
    assert.equal(lineage.nodes.filter((n: any) => n.persona_id.startsWith("root-thinker")).length, 1);
  });
});

describe("cognition disabled", () => {
  let fake: FakeModel;
  let serve: ServeProcess;
  before(async () => {
    fake = await startFakeModel();
    serve = await startServe({ fake, env: { CODETETHER_COGNITION_ENABLED: "false" } });
  });
  after(async () => {
    await serve.kill();
    await fake.close();
    serve.sandbox.cleanup();
  });

  it("reports enabled: false and refuses every mutation with 409", async () => {
    assert.equal((await api(serve, "GET", "/v1/cognition/status")).body.enabled, false);
    const start = await api(serve, "POST", "/v1/cognition/start", {});
    assert.equal(start.status, 409);
    assert.match(start.body.error.message, /cognition is disabled \(CODETETHER_COGNITION_ENABLED=false/);
    assert.equal((await api(serve, "POST", "/v1/swarm/personas", { name: "n", role: "r", charter: "c" })).status, 409);
    assert.deepEqual((await api(serve, "GET", "/v1/swarm/lineage")).body, { nodes: [], roots: [], total_edges: 0 });
    assert.equal(fake.requests.length, 0);
  });
});
