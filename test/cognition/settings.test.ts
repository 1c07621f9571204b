// The cognition settings: `[cognition]` in config.toml, CODETETHER_COGNITION_* over it, clear errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configSchema } from "../../src/config/schema.ts";
import { cognitionSettings } from "../../src/cognition/settings.ts";

const config = (cognition?: Record<string, unknown>) => configSchema.parse(cognition ? { cognition } : {});

describe("cognition settings", () => {
  it("defaults to the original's values", () => {
    const settings = cognitionSettings(config(), {});
    assert.deepEqual(
      [settings.enabled, settings.autoStart, settings.loopIntervalMs, settings.maxEvents, settings.maxSnapshots],
      [true, false, 2000, 2000, 128],
    );
    assert.deepEqual([settings.policy.max_spawn_depth, settings.policy.max_branching_factor], [4, 4]);
    assert.deepEqual(settings.thinker, {
      model: undefined,
      baseUrl: undefined,
      temperature: 0.2,
      maxTokens: 256,
      timeoutMs: 12000,
    });
  });

  it("reads [cognition], and the environment wins over it", () => {
    const section = config({
      auto_start: true,
      loop_interval_ms: 500,
      thinker_model: "openai/gpt-4o-mini",
      idle_ttl_secs: 60,
    });
    const fromConfig = cognitionSettings(section, {});
    assert.deepEqual(
      [fromConfig.autoStart, fromConfig.loopIntervalMs, fromConfig.thinker.model, fromConfig.policy.idle_ttl_secs],
      [true, 500, "openai/gpt-4o-mini", 60],
    );
    const fromEnv = cognitionSettings(section, {
      CODETETHER_COGNITION_AUTO_START: "false",
      CODETETHER_COGNITION_LOOP_INTERVAL_MS: "750",
      CODETETHER_COGNITION_THINKER_MODEL: "anthropic/claude-haiku",
      CODETETHER_COGNITION_MAX_SPAWN_DEPTH: "0",
    });
    assert.deepEqual(
      [fromEnv.autoStart, fromEnv.loopIntervalMs, fromEnv.thinker.model, fromEnv.policy.max_spawn_depth],
      [false, 750, "anthropic/claude-haiku", 0],
    );
  });

  it("names the bad setting in a one-line error", () => {
    assert.throws(
      () => cognitionSettings(config({ bogus: 1 }), {}),
      /^UserError: invalid config \[cognition\]: unknown key 'bogus'$/,
    );
    assert.throws(
      () => cognitionSettings(config({ loop_interval_ms: "fast" }), {}),
      /invalid config \[cognition\]: 'cognition.loop_interval_ms'/,
    );
    assert.throws(
      () => cognitionSettings(config(), { CODETETHER_COGNITION_MAX_EVENTS: "lots" }),
      /invalid CODETETHER_COGNITION_MAX_EVENTS 'lots'/,
    );
    assert.throws(
      () => cognitionSettings(config(), { CODETETHER_COGNITION_ENABLED: "maybe" }),
      /CODETETHER_COGNITION_ENABLED/,
    );
    // The same floor as the API and [cognition]: a 1 ms loop only burns CPU.
    assert.throws(
      () => cognitionSettings(config(), { CODETETHER_COGNITION_LOOP_INTERVAL_MS: "1" }),
      /^UserError: invalid CODETETHER_COGNITION_LOOP_INTERVAL_MS '1': expected a whole number ≥ 50$/,
    );
  });
});
