import assert from "node:assert/strict";
import { TaskState } from "@a2a-js/sdk";
import { after, before, describe, it } from "node:test";
import { delegateTask } from "../../src/peers/delegate.ts";
import { readSse } from "../../src/util/sse-reader.ts";
import { waitFor } from "../a2a/serve-process.ts";
import { fakeProviderToml, jsonLines, makeSandbox, runCli, type Sandbox } from "../support/cli.ts";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { freePort, getJson, startSpawn, TOKEN, type SpawnedPeer } from "./spawn-process.ts";

const ASK = "Ask the reviewer peer to check src/x.ts";
const DELEGATED = "Please review src/x.ts for bugs";
const REVIEW = "LGTM from reviewer: no bugs in src/x.ts";

/** Opens a bus stream (subscribed once this resolves); `until` reads events until `done` holds and returns them all. */
async function openBusStream(url: string, signal: AbortSignal) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` }, signal });
  assert.equal(response.status, 200);
  const stream = readSse(response.body!)[Symbol.asyncIterator]();
  const events: any[] = [];
  return {
    async until(done: (events: any[]) => boolean): Promise<any[]> {
      while (!done(events)) {
        const next = await stream.next();
        if (next.done) throw new Error("bus stream ended");
        events.push(JSON.parse(next.value.data));
      }
      return events;
    },
  };
}

/** The audit records of a peer, read with the CLI from its own data directory. */
async function auditOf(sandbox: Sandbox, peer: SpawnedPeer, action: string): Promise<any[]> {
  const result = await runCli(sandbox, ["audit", "query", "--action", action, "--json"], {
    env: { CODETETHER_DATA_DIR: peer.dataDir },
  });
  assert.equal(result.code, 0, result.stderr);
  return jsonLines(result.stdout)[0]!.events;
}

describe("codetether spawn: two peers on loopback", () => {
  let sandbox: Sandbox;
  let fake: FakeModel;
  let planner: SpawnedPeer;
  let reviewer: SpawnedPeer;

  before(async () => {
    fake = await startFakeModel([
      // The planner's model hires the reviewer, then reports what it said.
      {
        match: { lastUserContains: ASK },
        items: [{ tool: "a2a", input: { action: "send", peer: "reviewer", message: DELEGATED } }],
      },
      { match: { lastUserContains: DELEGATED }, items: [{ text: REVIEW }] },
      { match: { bodyContains: "LGTM from reviewer" }, items: [{ text: `The reviewer says: ${REVIEW}` }] },
    ]);
    sandbox = makeSandbox();
    sandbox.writeConfig(fakeProviderToml(fake.url));
    const [plannerPort, reviewerPort] = [await freePort(), await freePort()];
    const common = ["--discovery-interval", "0.2"];
    [planner, reviewer] = await Promise.all([
      startSpawn(sandbox, "planner", [
        "--port",
        String(plannerPort),
        "--peer",
        `http://127.0.0.1:${reviewerPort}/a2a`,
        ...common,
      ]),
      startSpawn(sandbox, "reviewer", ["--port", String(reviewerPort), ...common], {
        CODETETHER_A2A_PEERS: `http://127.0.0.1:${plannerPort}/a2a`,
      }),
    ]);
  });

  after(async () => {
    await Promise.all([planner?.stop(), reviewer?.stop()]);
    await fake?.close();
    sandbox?.cleanup();
  });

  it("discover each other and list each other as remote on /v1/agents", async () => {
    for (const [self, other] of [
      [planner, reviewer],
      [reviewer, planner],
    ] as const) {
      const agents = await waitFor(async () => {
        const { agents } = await getJson(`${self.http}/v1/agents`);
        return agents.some((a: any) => a.name === other.name) ? agents : undefined;
      }, `${self.name} to discover ${other.name}`);
      const byName = Object.fromEntries(agents.map((a: any) => [a.name, a]));
      assert.equal(byName[self.name].remote, undefined);
      assert.equal(byName[other.name].remote, true);
      assert.equal(byName[other.name].url, other.jsonrpc);
      assert.ok(byName[other.name].skills.some((s: any) => s.id === "code-review"));
    }
    const card = (await (await fetch(`${reviewer.http}/.well-known/agent-card.json`)).json()) as { name: string };
    assert.equal(card.name, "reviewer");
  });

  it("codetether peers prints a peer's list, and fails in one line without the token", async () => {
    const listed = await runCli(sandbox, ["peers", "--url", planner.jsonrpc, "--json"], {
      env: { CODETETHER_AUTH_TOKEN: TOKEN },
    });
    assert.equal(listed.code, 0, listed.stderr);
    const [{ agents }] = jsonLines(listed.stdout);
    assert.deepEqual(agents.map((a: any) => [a.name, a.remote ?? false]).sort(), [
      ["planner", false],
      ["reviewer", true],
    ]);
    const table = await runCli(sandbox, ["peers", "--url", planner.http], { env: { CODETETHER_AUTH_TOKEN: TOKEN } });
    assert.match(
      table.stdout,
      /^NAME\s+WHERE\s+URL\s+SKILLS\s+SEEN\nplanner\s+local\s+http:\/\/127\.0\.0\.1:\d+\/a2a\s+code-generation,code-review,debugging/,
    );
    const refused = await runCli(sandbox, ["peers", "--url", planner.http, "--token", "wrong"]);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      `codetether: ${planner.http} refused the token: pass --token or set CODETETHER_PEER_TOKEN\n`,
    );
  });

  it("rejects bad input with one-line errors", async () => {
    const deadPort = await freePort();
    const cases: Array<[string[], string]> = [
      [
        ["peers", "--url", `http://127.0.0.1:${deadPort}`],
        `cannot reach http://127.0.0.1:${deadPort}: connection refused (is codetether serve or spawn running there?)`,
      ],
      [["peers", "--url", "ftp://x"], "invalid --url 'ftp://x': use e.g. http://127.0.0.1:4096"],
      [["spawn", "--name", "bad name"], "invalid --name 'bad name': use 1-64 letters, digits, '-' or '_'"],
      [
        ["spawn", "--name", "x", "--peer", "localhost:4096"],
        "invalid peer URL 'localhost:4096': only http and https peers are supported",
      ],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(sandbox, args);
      assert.equal(result.code, 1, args.join(" "));
      assert.equal(result.stderr, `codetether: ${message}\n`);
    }
  });

  it("hires the reviewer through the a2a tool and brings its answer back, visible on both buses and audit trails", async () => {
    const streams = new AbortController();
    try {
      const reviewerTasks = await openBusStream(`${reviewer.http}/v1/bus/stream?topics=task.>`, streams.signal);
      const plannerBus = await openBusStream(
        `${planner.http}/v1/bus/stream?topics=task.>,agent.*.events`,
        streams.signal,
      );
      const result = await delegateTask(planner.jsonrpc, ASK, { token: TOKEN });
      assert.equal(result.state, "completed");
      assert.equal(result.answer, `The reviewer says: ${REVIEW}`);
      assert.ok(
        result.progress.some((line) => /a2a done/.test(line)),
        result.progress.join("\n"),
      );
      assert.deepEqual(
        fake.requests.map((r) => r.prompt.users.at(-1)),
        [ASK, DELEGATED, ASK],
      );

      // The planner's bus: its own task, the agent's events (the a2a call) and the reviewer's progress mirrored.
      const planned = await plannerBus.until((events) =>
        events.some(
          (e) =>
            e.topic === `task.${result.taskId}` && e.payload?.data?.status?.state === TaskState.TASK_STATE_COMPLETED,
        ),
      );
      const toolDone = planned.find((e) => e.topic === "agent.planner.events" && e.payload.type === "tool-completed");
      assert.equal(toolDone?.payload.tool, "a2a");
      const mirrored = planned.filter((e) => e.payload?.peer === "reviewer");
      assert.equal(mirrored.at(-1)?.payload.state, "completed");
      const delegatedTaskId = mirrored[0].payload.taskId;
      assert.equal(toolDone.payload.metadata.task_id, delegatedTaskId);
      // The reviewer's bus: the delegated task, start to finish.
      const reviewed = await reviewerTasks.until((events) =>
        events.some((e) => e.payload?.data?.status?.state === TaskState.TASK_STATE_COMPLETED),
      );
      assert.ok(reviewed.every((e) => e.topic === `task.${delegatedTaskId}`));
      assert.ok(reviewed.some((e) => e.kind === "artifact" && e.payload.data.artifact.name === "answer"));

      // Both audit trails: the planner executed the a2a tool; the reviewer ran a session for the call it received.
      const toolRecords = await waitFor(async () => {
        const records = await auditOf(sandbox, planner, "tool.execute");
        return records.some((r) => r.resource === "tool/a2a") ? records : undefined;
      }, "the planner's a2a audit record");
      assert.equal(toolRecords.find((r) => r.resource === "tool/a2a").status, "success");
      const sessions = await waitFor(async () => {
        const records = await auditOf(sandbox, reviewer, "session.end");
        return records.length > 0 ? records : undefined;
      }, "the reviewer's session audit record");
      assert.equal(sessions[0].status, "stop");
    } finally {
      streams.abort();
    }
  });

  it("drops a peer that stops answering", async () => {
    await reviewer.kill();
    await waitFor(async () => {
      const { agents } = await getJson(`${planner.http}/v1/agents`);
      return agents.some((a: any) => a.name === "reviewer") ? undefined : true;
    }, "the planner to drop the reviewer");
    assert.match(planner.stderr(), /peer reviewer dropped: .*agent-card\.json/);
  });
});
