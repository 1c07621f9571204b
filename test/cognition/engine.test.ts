// The cognition loop in-process: its restart while a tick is thinking, and the persona's prompt.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, describe, it } from "node:test";
import { CognitionEngine } from "../../src/cognition/engine.ts";
import { cognitionSettings } from "../../src/cognition/settings.ts";
import { CognitionStore } from "../../src/cognition/store.ts";
import type { ThinkRequest } from "../../src/cognition/thinker.ts";
import { configSchema } from "../../src/config/schema.ts";

const dir = mkdtempSync(join(tmpdir(), "ct-cognition-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("cognition engine restart", () => {
  it("a tick cut off by stop() neither records a thought nor keeps a second loop running", async () => {
    let inFlight = 0;
    let mostAtOnce = 0;
    let calls = 0;
    const thinker = async (request: ThinkRequest) => {
      calls++;
      inFlight++;
      mostAtOnce = Math.max(mostAtOnce, inFlight);
      await Promise.race([sleep(40), new Promise((resolve) => request.signal.addEventListener("abort", resolve))]);
      inFlight--;
      return { text: `thought ${calls} about the workspace`, source: "model" as const, tokens: 1 };
    };
    const settings = { ...cognitionSettings(configSchema.parse({}), {}), loopIntervalMs: 50 };
    const engine = new CognitionEngine({ settings, store: new CognitionStore(dir, 8), thinker });
    after(() => engine.stop());
    engine.start({});
    while (calls === 0) await sleep(5);
    // Stopped mid-thought and started again before the cut-off call returned.
    const stopped = engine.stop();
    engine.start({});
    await stopped;
    const thoughtsAfterRestart = engine.events
      .recent(engine.events.size)
      .filter((e) => e.event_type === "thought_generated");
    assert.equal(thoughtsAfterRestart.length, 0, "the cut-off call is not a thought");
    const before = calls;
    await sleep(600);
    await engine.stop();
    assert.equal(mostAtOnce, 1, "two loops were thinking at once");
    // One loop of ~90 ms per tick makes about 6–7 calls in 600 ms; two loops would make about twice that.
    assert.ok(calls - before <= 8, `${calls - before} thinker calls in 600 ms`);
  });

  it("puts a persona's name, role and charter into the thinker's prompt exactly as written", async () => {
    const systems: string[] = [];
    const thinker = async (request: ThinkRequest) => {
      systems.push(request.system);
      return { text: "a thought", source: "model" as const, tokens: 1 };
    };
    const settings = { ...cognitionSettings(configSchema.parse({}), {}), loopIntervalMs: 50 };
    const engine = new CognitionEngine({ settings, store: new CognitionStore(join(dir, "prompt"), 8), thinker });
    after(() => engine.stop());
    const charter = "Keep costs under $& per run; {role} is not a placeholder here.";
    engine.start({ seed_persona: { persona_id: "p1", name: "Pricer {charter}", role: "auditor", charter, tags: [] } });
    while (systems.length === 0) await sleep(5);
    await engine.stop();
    assert.match(systems[0]!, /^You are Pricer \{charter\}, a auditor persona/);
    assert.ok(systems[0]!.includes(`Your charter: ${charter}\n`), systems[0]);
  });
});
