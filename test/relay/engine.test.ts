import assert from "node:assert/strict";
import { test } from "node:test";
import type { PreparedAgent } from "../../src/app/agent-factory.ts";
import { InProcessBus } from "../../src/bus/in-process-bus.ts";
import { createBusHandle } from "../../src/bus/bus-handle.ts";
import type { BusEnvelope } from "../../src/bus/envelope.ts";
import type { AgentEvent } from "../../src/contracts/agent-events.ts";
import { newCheckpoint, type CheckpointStore, type RelayCheckpoint } from "../../src/relay/checkpoint.ts";
import { runRelay, type TurnRequest } from "../../src/relay/engine.ts";
import { relayAgents } from "../../src/relay/personas.ts";
import { baseHooks } from "../../src/relay/relay-services.ts";

class MemoryCheckpoints implements CheckpointStore {
  saved: RelayCheckpoint[] = [];
  async saveCheckpoint(checkpoint: RelayCheckpoint): Promise<void> {
    this.saved.push(structuredClone(checkpoint));
  }
  async getCheckpoint(relayId: string): Promise<RelayCheckpoint | undefined> {
    return this.saved.findLast((c) => c.relay_id === relayId);
  }
}

const answer = (next: string[]) => `done\n\`\`\`json\n${JSON.stringify({ facts: ["f"], next_actions: next })}\n\`\`\``;

function relay(rounds = 2): RelayCheckpoint {
  return newCheckpoint({
    relay_id: "r1",
    task: "t",
    workspace: "/w",
    model: "fake/m",
    agents: relayAgents(3, "build"),
    max_rounds: rounds,
  });
}

test("a relay that never converges stops at max_rounds_reached after agents × rounds turns, in the agents' order", async () => {
  const store = new MemoryCheckpoints();
  const seen: Array<[number, number, string]> = [];
  const final = await runRelay(store, relay(2), {
    runTurn: async ({ turn, round, agent }: TurnRequest) => {
      seen.push([turn, round, agent.name]);
      return { text: answer(["more"]), sessionId: `s${turn}`, cost: 0.5 };
    },
  });
  assert.equal(final.status, "max_rounds_reached");
  assert.deepEqual(
    seen.map(([turn]) => turn),
    [1, 2, 3, 4, 5, 6],
  );
  assert.deepEqual(seen[3], [4, 2, "planner"]);
  assert.equal(final.cost, 3);
  assert.deepEqual(final.session_ids, ["s1", "s2", "s3", "s4", "s5", "s6"]);
});

test("resuming a checkpoint saved between a turn and its evaluation redoes only the evaluation", async () => {
  const store = new MemoryCheckpoints();
  const evaluated: number[] = [];
  const hooks = {
    evaluate: async (checkpoint: RelayCheckpoint) => {
      evaluated.push(checkpoint.turn);
      return { kr_progress: { kr: checkpoint.turn / 6 }, cost: 0, met: false };
    },
  };
  let crash = true;
  await assert.rejects(
    runRelay(store, relay(2), {
      ...hooks,
      runTurn: async ({ turn }) => {
        if (turn === 3 && crash) throw new Error("killed");
        return { text: answer(["more"]), sessionId: `s${turn}`, cost: 0 };
      },
    }),
  );
  // A crash after turn 2 was saved but before it was evaluated: the checkpoint as it was then.
  const afterTurn2 = store.saved.find((c) => c.turn === 2 && c.evaluated_turn === 1)!;
  assert.ok(afterTurn2);
  crash = false;
  evaluated.length = 0;
  const turns: number[] = [];
  const final = await runRelay(store, afterTurn2, {
    ...hooks,
    runTurn: async ({ turn }) => {
      turns.push(turn);
      return { text: answer(turn === 4 ? [] : ["more"]), sessionId: `s${turn}`, cost: 0 };
    },
  });
  assert.deepEqual(evaluated, [2, 3, 4]);
  assert.deepEqual(turns, [3, 4]);
  assert.equal(final.status, "converged");
  assert.deepEqual(final.kr_progress, { kr: 4 / 6 });
});

test("a turn that does not finish leaves the checkpoint at the turn before", async () => {
  const store = new MemoryCheckpoints();
  await assert.rejects(
    runRelay(store, relay(), {
      runTurn: async ({ turn }) => ({
        text: answer(["x"]),
        sessionId: `s${turn}`,
        cost: 0,
        failure: turn === 2 ? "max-steps" : undefined,
      }),
    }),
    /relay turn 2 \(implementer\) did not finish: max-steps/,
  );
  assert.equal((await store.getCheckpoint("r1"))!.turn, 1);
});

test("relay events go to relay.{id} on the bus and to the event log with the OKR and relay ids", async () => {
  const bus = new InProcessBus();
  const subscription = bus.subscribe("relay.r1");
  const recorded: Array<Record<string, unknown>> = [];
  let sessions = 0;
  const prepared = {
    session: { id: "ses_okr", directory: "/w" },
    model: { ref: "fake/m" },
    system: "base",
    store: { create: () => ({ id: `ses_${++sessions}`, directory: "/w" }) },
    async *run(): AsyncGenerator<AgentEvent, void> {
      yield {
        type: "finish",
        reason: "stop",
        text: answer([]),
        steps: 1,
        usage: { inputTokens: 1, outputTokens: 1, cost: 0 },
      };
    },
  } as unknown as PreparedAgent;
  const checkpoint = { ...relay(), okr_id: "okr1", okr_run_id: "run1" };
  const services = {
    lockDir: "/nonexistent",
    prepared,
    correlation: {},
    bus: createBusHandle(bus, "relay-test"),
    recordEvent: (e: Record<string, unknown>) => recorded.push(e),
  };
  const final = await runRelay(new MemoryCheckpoints(), checkpoint, baseHooks(services, checkpoint));
  assert.equal(final.status, "converged");
  const types: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { value } = await subscription.next();
    const envelope = value as BusEnvelope<{ type: string }>;
    types.push(envelope.payload.type);
    assert.deepEqual(
      [envelope.correlation?.relay_id, envelope.correlation?.okr_id, envelope.correlation?.okr_run_id],
      ["r1", "okr1", "run1"],
    );
  }
  assert.deepEqual(types, ["relay.turn_started", "relay.turn_completed", "relay.finished"]);
  const completed = recorded.find((e) => e.type === "relay.turn_completed")!;
  assert.deepEqual([completed.session_id, completed.relay_id], ["ses_1", "r1"]);
  subscription.close();
});
