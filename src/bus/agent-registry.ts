import { randomUUID } from "node:crypto";
import type { AgentBus } from "./agent-bus.ts";
import { ephemeralCard, type AgentCard, type AgentCardInit, type EphemeralCardInit } from "./agent-card.ts";
import { createBusHandle, type BusHandle, type BusHandleOptions } from "./bus-handle.ts";
import { isLagged, isoNow, type Delivery, type EnvelopeKind } from "./envelope.ts";
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
/** A registry's periodic (or on-request) statement of its local agents. */
export interface AgentHeartbeatPayload {
  registry: string;
  cards: AgentCard[];
}
/** "Who is there?": a registry that just started asks the others for a heartbeat. */
export interface AgentQueryPayload {
  registry: string;
}

export interface AgentRegistryOptions {
  /** Learn about agents registered elsewhere on the bus (default true); a new registry asks who is there. */
  discover?: boolean;
  /**
   * Publish a heartbeat with the local agents' cards this often, and drop agents learned over the bus
   * that were not heard for `expireAfterMs` (default three intervals). Off when absent or 0.
   */
  heartbeatMs?: number;
  expireAfterMs?: number;
}

export interface EphemeralAgent {
  card: AgentCard;
  /** Closing it unregisters the agent and announces the leave. */
  handle: BusHandle;
}

export type EphemeralAgentOptions = EphemeralCardInit & Pick<BusHandleOptions, "correlation" | "queueSize">;

/**
 * Tracks agents by card: local ones (announced on `broadcast` as they join and leave, and in heartbeats),
 * remote ones heard from other registries on the bus, and remote ones a caller enters (discovered peers).
 */
export class AgentRegistry {
  readonly id = randomUUID();
  readonly #bus: AgentBus;
  readonly #agents = new Map<string, AgentCard>();
  /** Remote agents learned over the bus, by name → the registry that owns them; they expire. */
  readonly #heardFrom = new Map<string, string>();
  readonly #discovery: Subscription | undefined;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #expireAfterMs: number;

  constructor(bus: AgentBus, options: AgentRegistryOptions = {}) {
    this.#bus = bus;
    const heartbeatMs = options.heartbeatMs ?? 0;
    this.#expireAfterMs = options.expireAfterMs ?? heartbeatMs * 3;
    if (options.discover !== false) {
      this.#discovery = bus.subscribe(topics.broadcast, { onDelivery: (d) => this.#hear(d) });
      this.#announce<AgentQueryPayload>(this.id, "agent_query", { registry: this.id });
    }
    if (heartbeatMs > 0) {
      this.#timer = setInterval(() => {
        this.heartbeat();
        this.#expire();
      }, heartbeatMs);
      this.#timer.unref();
    }
  }

  /** Adds a local agent and announces it; names are unique in a registry. */
  register(init: AgentCardInit): AgentCard {
    const existing = this.#agents.get(init.name);
    if (existing && !existing.remote) throw new BusError(`an agent named '${init.name}' is already registered`);
    const card: AgentCard = { ...init, lastSeen: isoNow() };
    this.#heardFrom.delete(card.name);
    this.#agents.set(card.name, card);
    this.#announce<AgentJoinedPayload>(card.name, "agent_joined", { registry: this.id, card });
    return card;
  }

  /**
   * Enters (or refreshes) an agent found by other means, e.g. an A2A peer answering its card URL. It is
   * listed as remote, never announced, and stays until unregistered. A local agent keeps its name.
   */
  upsertRemote(init: AgentCardInit): AgentCard | undefined {
    const known = this.#agents.get(init.name);
    if (known && !known.remote) return undefined;
    const card: AgentCard = { ...init, remote: true, lastSeen: isoNow() };
    this.#heardFrom.delete(card.name);
    this.#agents.set(card.name, card);
    return card;
  }

  /** Removes an agent; local ones are announced as left. */
  unregister(name: string): boolean {
    const card = this.#agents.get(name);
    if (!card) return false;
    this.#agents.delete(name);
    this.#heardFrom.delete(name);
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

  /** Publishes the local agents' cards so every registry on the bus knows (and keeps) them. */
  heartbeat(): void {
    const cards = this.list().filter((card) => !card.remote);
    if (cards.length > 0) this.#announce<AgentHeartbeatPayload>(this.id, "heartbeat", { registry: this.id, cards });
  }

  /** Stops discovery and heartbeats and announces every local agent as left. */
  close(): void {
    clearInterval(this.#timer);
    this.#discovery?.close();
    for (const card of this.list()) if (!card.remote) this.unregister(card.name);
  }

  #announce<T>(sender: string, kind: EnvelopeKind, payload: T): void {
    try {
      this.#bus.publish({ topic: topics.broadcast, kind, sender, payload });
    } catch (error) {
      // Sub-agents often close after the bus during shutdown: then there is nobody left to tell.
      if (!(error instanceof BusClosedError)) throw error;
    }
  }

  #hear(delivery: Delivery): void {
    if (isLagged(delivery)) return;
    const payload = delivery.payload as
      Partial<AgentJoinedPayload & AgentLeftPayload & AgentHeartbeatPayload> | undefined;
    const origin = payload?.registry;
    if (!origin || origin === this.id) return;
    switch (delivery.kind) {
      case "agent_query":
        return this.heartbeat();
      case "agent_joined":
        if (payload.card) this.#learn(payload.card, origin);
        return;
      case "heartbeat":
        if (Array.isArray(payload.cards)) for (const card of payload.cards) this.#learn(card, origin);
        return;
      case "agent_left":
        if (payload.name && this.#heardFrom.get(payload.name) === origin) this.unregister(payload.name);
        return;
    }
  }

  #learn(card: AgentCard, origin: string): void {
    const known = this.#agents.get(card.name);
    if (known && (!known.remote || !this.#heardFrom.has(card.name))) return; // local agents and entered peers win
    // Received time, not the sender's clock: expiry must not depend on clocks agreeing.
    this.#agents.set(card.name, { ...card, remote: true, lastSeen: isoNow() });
    this.#heardFrom.set(card.name, origin);
  }

  #expire(): void {
    const cutoff = Date.now() - this.#expireAfterMs;
    for (const name of this.#heardFrom.keys()) {
      const card = this.#agents.get(name);
      if (!card || Date.parse(card.lastSeen) < cutoff) this.unregister(name);
    }
  }
}
