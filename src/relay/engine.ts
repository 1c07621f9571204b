import type { ContextDelta, CheckpointStore, RelayAgent, RelayCheckpoint } from "./checkpoint.ts";
import { fallbackDelta, mergeContext, parseDelta, renderContext } from "./delta.ts";
import turnPrompt from "./turn-prompt.md";

/** What one turn's agent run produced. */
export interface TurnResult {
  text: string;
  sessionId: string;
  cost: number;
  /** Why the turn did not finish (an error, max steps, an abort); the checkpoint then stays at the turn before. */
  failure?: string;
}

export interface TurnRequest {
  prompt: string;
  agent: RelayAgent;
  turn: number;
  round: number;
}

/** A key-result evaluation after a turn: the progress by kr id, its cost, and whether every key result is met. */
export interface Evaluation {
  kr_progress: Record<string, number>;
  cost: number;
  met: boolean;
}

export type RelayEvent =
  | { type: "relay.turn_started"; relay_id: string; turn: number; round: number; agent: string }
  | {
      type: "relay.turn_completed";
      relay_id: string;
      turn: number;
      round: number;
      agent: string;
      session_id: string;
      delta: ContextDelta;
    }
  | { type: "relay.evaluated"; relay_id: string; turn: number; kr_progress: Record<string, number> }
  | { type: "relay.finished"; relay_id: string; status: RelayCheckpoint["status"]; turns: number };

export interface RelayHooks {
  runTurn(request: TurnRequest): Promise<TurnResult>;
  /** Scores the key results after each turn (the /go relay); without it nothing is evaluated. */
  evaluate?(checkpoint: RelayCheckpoint, delta: ContextDelta): Promise<Evaluation>;
  /** Extra context for every turn's prompt (e.g. the key results to work towards). */
  goal?: string;
  onEvent?(event: RelayEvent): void;
}

export class RelayTurnError extends Error {
  constructor(
    readonly turn: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs a relay from its checkpoint to its end: turn after turn in the fixed agent order, each turn's
 * delta merged into the shared context and handed to the next, the checkpoint saved after every turn
 * and every evaluation. Resuming from a saved checkpoint continues at its next turn; a finished turn is
 * never run again (a crash between a turn and its evaluation redoes only the evaluation).
 * Stops on convergence (a turn with no next actions), when every key result is met, or after max_rounds.
 */
export async function runRelay(
  store: CheckpointStore,
  start: RelayCheckpoint,
  hooks: RelayHooks,
): Promise<RelayCheckpoint> {
  let checkpoint = start;
  const save = async (next: RelayCheckpoint) => {
    checkpoint = { ...next, updated_at: new Date().toISOString() };
    await store.saveCheckpoint(checkpoint);
  };
  const evaluate = async () => {
    if (!hooks.evaluate || !checkpoint.last_delta || checkpoint.evaluated_turn >= checkpoint.turn) return;
    const evaluation = await hooks.evaluate(checkpoint, checkpoint.last_delta);
    const met = evaluation.met && checkpoint.status === "running";
    await save({
      ...checkpoint,
      evaluated_turn: checkpoint.turn,
      kr_progress: evaluation.kr_progress,
      cost: checkpoint.cost + evaluation.cost,
      status: met ? "key_results_met" : checkpoint.status,
    });
    hooks.onEvent?.({
      type: "relay.evaluated",
      relay_id: checkpoint.relay_id,
      turn: checkpoint.turn,
      kr_progress: evaluation.kr_progress,
    });
  };

  await evaluate();
  const total = checkpoint.agents.length * checkpoint.max_rounds;
  while (checkpoint.status === "running") {
    if (checkpoint.turn >= total) {
      await save({ ...checkpoint, status: "max_rounds_reached" });
      break;
    }
    const turn = checkpoint.turn + 1;
    const round = Math.ceil(turn / checkpoint.agents.length);
    const agent = checkpoint.agents[(turn - 1) % checkpoint.agents.length]!;
    hooks.onEvent?.({ type: "relay.turn_started", relay_id: checkpoint.relay_id, turn, round, agent: agent.name });
    const result = await hooks.runTurn({
      prompt: buildPrompt(checkpoint, agent, turn, round, total, hooks.goal),
      agent,
      turn,
      round,
    });
    if (result.failure)
      throw new RelayTurnError(turn, `relay turn ${turn} (${agent.name}) did not finish: ${result.failure}`);
    const body = parseDelta(result.text) ?? fallbackDelta(result.text, checkpoint.last_delta);
    const delta: ContextDelta = { relay_id: checkpoint.relay_id, from_agent: agent.name, round, turn, delta: body };
    await save({
      ...checkpoint,
      turn,
      round,
      shared_context: mergeContext(checkpoint.shared_context, body),
      last_delta: delta,
      session_ids: [...checkpoint.session_ids, result.sessionId],
      cost: checkpoint.cost + result.cost,
      status: body.next_actions.length === 0 ? "converged" : "running",
    });
    hooks.onEvent?.({
      type: "relay.turn_completed",
      relay_id: checkpoint.relay_id,
      turn,
      round,
      agent: agent.name,
      session_id: result.sessionId,
      delta,
    });
    await evaluate();
  }
  hooks.onEvent?.({
    type: "relay.finished",
    relay_id: checkpoint.relay_id,
    status: checkpoint.status,
    turns: checkpoint.turn,
  });
  return checkpoint;
}

function buildPrompt(
  checkpoint: RelayCheckpoint,
  agent: RelayAgent,
  turn: number,
  round: number,
  total: number,
  goal?: string,
): string {
  const previous = checkpoint.last_delta;
  const context = previous
    ? `Shared context from the earlier turns (the last handoff came from the ${previous.from_agent}, turn ${previous.turn}):\n\n${renderContext(checkpoint.shared_context)}`
    : "You take the first turn: nothing has been done yet.";
  const values: Record<string, string> = {
    relay_id: checkpoint.relay_id,
    turn: String(turn),
    total: String(total),
    round: String(round),
    max_rounds: String(checkpoint.max_rounds),
    agent: agent.name,
    persona: agent.persona,
    task: checkpoint.task,
    goal: goal ? `\n${goal}\n` : "",
    context,
  };
  return turnPrompt.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match).trim();
}
