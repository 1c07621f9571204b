import { randomUUID } from "node:crypto";
import type { AgentBus } from "./agent-bus.ts";
import { ephemeralCard, type AgentCard, type AgentCardInit, type EphemeralCardInit } from "./agent-card.ts";
import { createBusHandle, type BusHandle, type BusHandleOptions } from "./bus-handle.ts";
import { isLagged, isoNow, type Delivery } from "./envelope.ts";
import { BusClosedError, BusError } from "./errors.ts";
import type { Subscription } from "./subscription.ts";
import { topics } from "./topics.ts";

/** Payloads this registry publishes on `broadcast`; `registry` lets each one ignore its own. */
export interface AgentJoinedPayload {
  registry: string;
  card: AgentCard;
}
export interface AgentLeftPayload {
  registry: string;
  name: string;
}

export interface AgentRegistryOptions {
  /** Learn about agents registered elsewhere on the bus (default true). */
  discover?: boolean;
}

export interface EphemeralAgent {
  card: AgentCard;
  /** Closing it unregisters the agent and announces the leave. */
  handle: BusHandle;
}

export type EphemeralAgentOptions = EphemeralCardInit & Pick<BusHandleOptions, "correlation" | "queueSize">;

/** Tracks agents by card, announces local joins/leaves on `broadcast` and records remote ones it hears. */
export class AgentRegistry {
  readonly id = randomUUID();
  readonly #bus: AgentBus;
  readonly #agents = new Map<string, AgentCard>();
  readonly #discovery: Subscription | undefined;

  constructor(bus: AgentBus, options: AgentRegistryOptions = {}) {
    this.#bus = bus;
    this.#discovery =
      options.discover === false ? undefined : bus.subscribe(topics.broadcast, { onDelivery: (d) => this.#hear(d) });
  }

  /** Adds a local agent and announces it; names are unique in a registry. */
  register(init: AgentCardInit): AgentCard {
    const existing = this.#agents.get(init.name);
    if (existing && !existing.remote) throw new BusError(`an agent named '${init.name}' is already registered`);
    const card: AgentCard = { ...init, lastSeen: isoNow() };
    this.#agents.set(card.name, card);
    this.#announce<AgentJoinedPayload>(card.name, "agent_joined", { registry: this.id, card });
    return card;
  }

  /** Removes an agent; local ones are announced as left. */
  unregister(name: string): boolean {
    const card = this.#agents.get(name);
    if (!card) return false;
    this.#agents.delete(name);
    if (!card.remote) this.#announce<AgentLeftPayload>(name, "agent_left", { registry: this.id, name });
    return true;
  }

  /** Registers a short-lived sub-agent with a `bus://local/{name}` card and hands it its bus handle. */
  spawnEphemeral(name: string, options: EphemeralAgentOptions = {}): EphemeralAgent {
    topics.agent(name); // an invalid name must fail before anything is announced
    const card = this.register(ephemeralCard(name, options));
    const handle = createBusHandle(this.#bus, name, {
      correlation: options.correlation,
      queueSize: options.queueSize,
      onClose: () => this.unregister(name),
    });
    return { card, handle };
  }

  get(name: string): AgentCard | undefined {
    return this.#agents.get(name);
  }

  list(): AgentCard[] {
    return [...this.#agents.values()];
  }

  findBySkill(skillId: string): AgentCard[] {
    return this.list().filter((card) => card.skills.some((skill) => skill.id === skillId));
  }

  /** Marks an agent as alive now. */
  touch(name: string): void {
    const card = this.#agents.get(name);
    if (card) card.lastSeen = isoNow();
  }

  /** Stops discovery and announces every local agent as left. */
  close(): void {
    this.#discovery?.close();
    for (const card of this.list()) if (!card.remote) this.unregister(card.name);
  }

  #announce<T>(sender: string, kind: "agent_joined" | "agent_left", payload: T): void {
    try {
      this.#bus.publish({ topic: topics.broadcast, kind, sender, payload });
    } catch (error) {
      // Sub-agents often close after the bus during shutdown: then there is nobody left to tell.
      if (!(error instanceof BusClosedError)) throw error;
    }
  }

  #hear(delivery: Delivery): void {
    if (isLagged(delivery)) return;
    if (delivery.kind === "heartbeat") {
      const card = this.#agents.get(delivery.sender);
      if (card?.remote) card.lastSeen = delivery.timestamp;
      return;
    }
    const payload = delivery.payload as Partial<AgentJoinedPayload & AgentLeftPayload> | undefined;
    if (!payload?.registry || payload.registry === this.id) return;
    if (delivery.kind === "agent_joined" && payload.card) {
      const known = this.#agents.get(payload.card.name);
      if (known && !known.remote) return; // a local agent keeps its name
      this.#agents.set(payload.card.name, { ...payload.card, remote: true, lastSeen: delivery.timestamp });
    } else if (delivery.kind === "agent_left" && payload.name && this.#agents.get(payload.name)?.remote) {
      this.#agents.delete(payload.name);
    }
  }
}
