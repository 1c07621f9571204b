import type { RelayEvent } from "./engine.ts";

/** One line of progress for a relay event, as front ends show it. */
export function describeRelayEvent(event: RelayEvent): string {
  switch (event.type) {
    case "relay.turn_started":
      // The first turn names the relay: after a crash, `okr resume --run` needs its id.
      return `▸ turn ${event.turn} · round ${event.round} · ${event.agent}${event.turn === 1 ? ` · relay ${event.relay_id}` : ""}`;
    case "relay.turn_completed": {
      const d = event.delta.delta;
      return `  ${d.facts.length} facts, ${d.decisions.length} decisions, ${d.risks.length} risks, ${d.next_actions.length} next actions`;
    }
    case "relay.evaluated":
      return `  key results: ${Object.values(event.kr_progress)
        .map((p) => `${Math.round(p * 100)}%`)
        .join(" ")}`;
    case "relay.finished":
      return `relay ${event.status} after ${turnCount(event.turns)}`;
  }
}

/** "1 turn", "6 turns". */
export function turnCount(turns: number): string {
  return `${turns} turn${turns === 1 ? "" : "s"}`;
}
