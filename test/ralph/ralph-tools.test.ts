import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { InProcessBus } from "../../src/bus/in-process-bus.ts";
import { createBusHandle } from "../../src/bus/bus-handle.ts";
import type { BusEnvelope } from "../../src/bus/envelope.ts";
import { configSchema } from "../../src/config/schema.ts";
import type { AgentEvent } from "../../src/contracts/agent-events.ts";
import { runRalph } from "../../src/ralph/loop.ts";
import { Sandbox } from "../../src/sandbox/runner.ts";
import { fakeProviderToml, runCli, useFakeModelSandbox } from "../support/cli.ts";
import { NATS_URL, natsFixture, natsUnavailableReason } from "../bus/nats-fixture.ts";
import { git, moduleWithTest, nodeProject, readJson, storyTurns } from "./fixture.ts";

const t = useFakeModelSandbox({ configure: true });

test("a session drives Ralph through its tools: prd create and update_story, then ralph run with a fresh story agent", async () => {
  const ws = t.sandbox.workspace;
  nodeProject(t.sandbox);
  t.fake.push(
    [{ tool: "prd", input: { action: "create", feature: "Greeting" } }],
    [
      {
        tool: "prd",
        input: {
          action: "update_story",
          story_id: "US-001",
          story: {
            title: "greet",
            acceptance_criteria: ["greet() says hello"],
            verification_steps: [{ type: "file_exists", path: "src/greet.js" }],
          },
        },
      },
    ],
    [
      {
        tool: "prd",
        input: { action: "update_story", story_id: "US-002", story: { title: "loop", depends_on: ["US-404"] } },
      },
    ],
    [{ tool: "ralph", input: { action: "run" } }],
    "Ralph finished the PRD.",
    // The story's agent has the ralph tool too; running its own PRD again is refused.
    { match: { lastUserContains: "Your story: US-001 " }, items: [{ tool: "ralph", input: { action: "run" } }] },
    ...storyTurns(
      "US-001",
      moduleWithTest("greet", 'exports.greet = () => "hello";\n', 'assert.equal(m.greet(), "hello");'),
    ),
  );
  const r = await runCli(
    t.sandbox,
    ["run", "--auto-approve", "all", "-m", "fake/fake-model", "plan and build a greeting"],
    {
      timeoutMs: 90_000,
    },
  );
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.trim(), "Ralph finished the PRD.");
  const prd = readJson(join(ws, "prd.json"));
  assert.equal(prd.feature, "Greeting");
  assert.deepEqual(prd.quality_checks, { test: "npm run test" });
  assert.equal(prd.user_stories.length, 1, "the story with an unknown dependency was refused");
  assert.equal(prd.user_stories[0].passes, true);
  const parent = (n: number) =>
    JSON.stringify(
      t.fake.requests.filter((q) => q.prompt.users[0] === "plan and build a greeting")[n]!.body.messages.at(-1),
    );
  assert.match(parent(3), /unknown story US-404/);
  assert.match(parent(4), /ralph completed: 1\/1 stories pass after 1 iterations/);
  const story = t.fake.requests.find((q) => /Your story: US-001 greet/.test(q.prompt.users[0] ?? ""))!;
  assert.equal(
    story.body.messages.filter((m: { role: string }) => m.role === "assistant").length,
    0,
    "a fresh session",
  );
  const nested = t.fake.requests.find(
    (q) => /Your story: US-001/.test(q.prompt.users[0] ?? "") && q.body.messages.length > 2,
  )!;
  assert.match(JSON.stringify(nested.body.messages.at(-1)), /Ralph is already running on/);
  assert.equal(git(ws, "log", "-1", "--format=%s"), "ralph: US-001 greet");
});

test("with a bus, the loop's events go to ralph.{prd_id}", async () => {
  const dir = mkdtempSync(join(tmpdir(), "codetether-ralph-bus-"));
  const sandbox = { workspace: join(dir, "ws"), env: { ...process.env } };
  try {
    mkdirSync(sandbox.workspace);
    nodeProject(sandbox);
    writeFileSync(
      join(sandbox.workspace, "prd.json"),
      JSON.stringify({
        project: "demo",
        feature: "bus",
        branch_name: "ralph/bus",
        quality_checks: { test: "npm run test" },
        user_stories: [{ id: "US-001", title: "note", verification_steps: [{ type: "file_exists", path: "NOTE.md" }] }],
      }),
    );
    const bus = new InProcessBus();
    const events: BusEnvelope[] = [];
    bus.subscribe("ralph.>", { onDelivery: (d) => void (d.kind !== "lagged" && events.push(d)) });
    // A scripted agent: it writes the file itself, then answers as a model would.
    const createAgent = async (workspace: string) => ({
      session: { id: "s1" },
      async *run(): AsyncGenerator<AgentEvent> {
        writeFileSync(join(workspace, "NOTE.md"), "note\n");
        const text = "Wrote NOTE.md\nLEARNING: notes go in NOTE.md\nSTORY_COMPLETE: US-001";
        yield {
          type: "finish",
          reason: "stop",
          text,
          steps: 1,
          usage: { inputTokens: 1, outputTokens: 1 },
        } as AgentEvent;
      },
      close: async () => {},
    });
    const config = configSchema.parse({});
    const outcome = await runRalph({
      prdPath: join(sandbox.workspace, "prd.json"),
      dataDir: join(dir, "data"),
      maxIterations: 5,
      maxQualityRetries: 2,
      commit: true,
      parallel: 1,
      createAgent,
      runner: new Sandbox({ config, dataDir: join(dir, "data"), onWarning: () => {}, env: sandbox.env }),
      signal: new AbortController().signal,
      bus: createBusHandle(bus, "ralph-test"),
    });
    assert.equal(outcome.status, "completed");
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(events.every((e) => e.topic === `ralph.${outcome.prdId}` && e.kind === "event"));
    assert.deepEqual(
      events.map((e) => (e.payload as { type: string }).type),
      ["iteration_started", "learning", "story_complete", "gate_result", "gate_result", "story_passed", "finished"],
    );
    assert.match(readFileSync(join(sandbox.workspace, "progress.txt"), "utf8"), /Learning: notes go in NOTE.md/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ralph run with a NATS bus configured publishes its events for other processes to watch", async (ctx) => {
  const skip = await natsUnavailableReason();
  if (skip) return ctx.skip(skip);
  const fixture = natsFixture();
  const watcher = await fixture.open();
  try {
    const seen: string[] = [];
    watcher.subscribe("ralph.>", {
      onDelivery: (d) => void (d.kind !== "lagged" && seen.push((d.payload as { type: string }).type)),
    });
    await watcher.flush();
    nodeProject(t.sandbox);
    writeFileSync(
      join(t.sandbox.workspace, "prd.json"),
      JSON.stringify({
        project: "demo",
        feature: "bus",
        branch_name: "ralph/bus",
        user_stories: [{ id: "US-001", title: "note" }],
      }),
    );
    t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}[bus]\nsubject_prefix = "${fixture.prefix}"\n`);
    t.fake.push(...storyTurns("US-001", { "NOTE.md": "note\n" }));
    const r = await runCli(t.sandbox, ["ralph", "run", "-m", "fake/fake-model"], {
      env: { CODETETHER_BUS_URL: NATS_URL },
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (let i = 0; i < 50 && !seen.includes("finished"); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(seen, ["iteration_started", "story_complete", "story_passed", "finished"]);
  } finally {
    await watcher.close();
    await fixture.cleanUp();
  }
});
