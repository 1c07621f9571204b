import type { PreparedAgent } from "../app/agent-factory.ts";
import type { BusHandle } from "../bus/bus-handle.ts";
import { topics } from "../bus/topics.ts";
import type { AgentEvent } from "../contracts/agent-events.ts";
import type { Correlation } from "../durable-logs/agent-observer.ts";
import type { NewStreamEvent } from "../events/stream.ts";
import type { ResolvedModel } from "../provider/resolve.ts";
import type { AuditInput } from "../audit/audit-record.ts";
import { agentTurns } from "./agent-turns.ts";
import type { RelayAgent, RelayCheckpoint } from "./checkpoint.ts";
import { relayAgents } from "./personas.ts";
import type { SlashRun } from "./slash-args.ts";
import type { RelayEvent, RelayHooks } from "./engine.ts";

/** What a relay runs with: the prepared agent (whose records carry `correlation`), the event log, the bus. */
export interface RelayServices {
  prepared: PreparedAgent;
  /** The ids the prepared agent stamps on its event and audit records; filled in here as they become known. */
  correlation: Correlation;
  recordEvent?: (input: NewStreamEvent) => void;
  /** The audit trail, for what the user decides (the approval gate). */
  audit?: (input: AuditInput) => void;
  /** Resolves a member's own model (`--models`); members without one use the prepared agent's. */
  resolveModel?: (ref: string) => Promise<ResolvedModel>;
  /** Where a relay's lock is held while it runs (see holdRelay). */
  lockDir: string;
  bus?: BusHandle;
  signal?: AbortSignal;
  /** The front end's progress display. */
  onRelayEvent?: (event: RelayEvent) => void;
  onAgentEvent?: (event: AgentEvent) => void;
}

/** Sets the correlation ids of a relay on everything recorded from now on. */
export function correlate(
  services: RelayServices,
  checkpoint: Pick<RelayCheckpoint, "relay_id" | "okr_id" | "okr_run_id">,
): void {
  Object.assign(services.correlation, {
    relay_id: checkpoint.relay_id,
    ...(checkpoint.okr_id ? { okr_id: checkpoint.okr_id } : {}),
    ...(checkpoint.okr_run_id ? { okr_run_id: checkpoint.okr_run_id } : {}),
  });
}

/** The relay hooks every relay shares: turns as agent runs, and each relay event recorded and published on `relay.{id}`. */
export function baseHooks(
  services: RelayServices,
  checkpoint: RelayCheckpoint,
): Pick<RelayHooks, "runTurn" | "onEvent"> {
  const ids = {
    relay_id: checkpoint.relay_id,
    okr_id: checkpoint.okr_id ?? undefined,
    okr_run_id: checkpoint.okr_run_id ?? undefined,
  };
  return {
    runTurn: agentTurns(services.prepared, {
      relayId: checkpoint.relay_id,
      signal: services.signal,
      onEvent: services.onAgentEvent,
      resolveModel: services.resolveModel,
    }),
    onEvent: (event) => {
      const sessionId = event.type === "relay.turn_completed" ? event.session_id : services.prepared.session.id;
      services.recordEvent?.({ ...ids, session_id: sessionId, type: event.type, data: event });
      services.bus?.publish({
        topic: topics.relay(checkpoint.relay_id),
        kind: "event",
        payload: event,
        correlation: { ...ids, session_id: sessionId },
      });
      services.onRelayEvent?.(event);
    },
  };
}

/** A relay's members from its command line, their own models resolved first: a bad model name fails before any work. */
export async function relayPlan(
  services: RelayServices,
  slash: Pick<SlashRun, "agents" | "rounds" | "models">,
): Promise<{ agents: RelayAgent[]; rounds: number }> {
  const agents = relayAgents(slash.agents, services.prepared.profile.name, slash.models);
  if (services.resolveModel) await Promise.all(slash.models.map(services.resolveModel));
  return { agents, rounds: slash.rounds };
}
