// Scripted fake-model turns for OKR drafts, relay turns and key-result evaluations, matched by their
// prompts so that each request gets its own answer whatever the order of the others.
import type { RecordedRequest, ScriptItem, TurnOptions } from "../support/fake-model.ts";

export interface DraftKr {
  title: string;
  target_value: number;
  unit?: string;
}

export function draftTurn(title: string, key_results: DraftKr[]): TurnOptions {
  return {
    match: { systemContains: "OKR drafter" },
    items: [{ text: JSON.stringify({ title, description: `About ${title}`, key_results }) }],
  };
}

export interface Delta {
  facts?: string[];
  decisions?: string[];
  risks?: string[];
  next_actions?: string[];
  evidence?: string[];
}

/** A relay turn's answer (matched by "turn N of" in its prompt), ending with its delta. */
export function relayTurn(turn: number, delta: Delta, options: Partial<TurnOptions> = {}): TurnOptions {
  const body = { facts: [], decisions: [], risks: [], next_actions: [], evidence: [], ...delta };
  return {
    ...options,
    match: { lastUserContains: `turn ${turn} of` },
    items: [{ text: `Turn ${turn} done.\n\n\`\`\`json\n${JSON.stringify(body)}\n\`\`\`` }],
  };
}

/** A relay turn's tool call (the next request of the same turn gets the turn's answer). */
export function relayToolCall(turn: number, item: ScriptItem): TurnOptions {
  return { match: { lastUserContains: `turn ${turn} of` }, items: [item] };
}

/** The evaluator's scores, by KR key (KR1, KR2… of the key results the model scores). */
export function evalTurn(scores: Record<string, number>): TurnOptions {
  const list = Object.entries(scores).map(([kr, value]) => ({ kr, value, evidence: [`${kr} at ${value}`] }));
  return { match: { systemContains: "key-result evaluator" }, items: [{ text: JSON.stringify({ scores: list }) }] };
}

/** The relay turn a request belongs to (undefined for drafts and evaluations). */
export function relayTurnOf(request: RecordedRequest): number | undefined {
  if (/key-result evaluator|OKR drafter/.test(request.prompt.system)) return undefined;
  const match = /Relay \S+: turn (\d+) of/.exec(request.prompt.users.at(-1) ?? "");
  return match ? Number(match[1]) : undefined;
}

/** The relay turns requested, in order, one entry per turn (a turn's tool-call round trips count once). */
export function turnsRequested(requests: RecordedRequest[]): number[] {
  const turns: number[] = [];
  for (const request of requests) {
    const turn = relayTurnOf(request);
    if (turn === undefined) continue;
    const toolRoundTrip = JSON.stringify(request.body?.messages?.at(-1) ?? "").includes('"tool"');
    if (!toolRoundTrip) turns.push(turn);
  }
  return turns;
}
