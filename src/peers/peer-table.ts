import type { AgentSkill } from "../bus/agent-card.ts";
import type { PeerCard } from "./peer-card.ts";

/** `self`: the seed turned out to be this very agent (a shared peer list names everyone). */
export type PeerState = "pending" | "live" | "unreachable" | "self";

/** One seed URL and what discovery last learned from it. */
export interface PeerEntry {
  seed: string;
  state: PeerState;
  name?: string;
  description?: string;
  /** The peer's A2A endpoint, from its card. */
  url?: string;
  skills: AgentSkill[];
  /** ISO 8601: the last time the card was fetched. */
  lastSeen?: string;
  /** How long that fetch took. */
  latencyMs?: number;
  /** Failed fetches in a row. */
  failures: number;
  lastError?: string;
}

/** A peer that answers, in the shape the `a2a` tool and `codetether peers` need. */
export type LivePeer = PeerEntry & { state: "live"; name: string; url: string };

/** The health of every seed peer. A peer is dropped (unreachable) after `maxFailures` misses in a row. */
export class PeerTable {
  readonly #entries = new Map<string, PeerEntry>();

  constructor(
    seeds: readonly string[],
    readonly maxFailures = 3,
  ) {
    for (const seed of seeds) this.#entries.set(seed, { seed, state: "pending", skills: [], failures: 0 });
  }

  get seeds(): string[] {
    return [...this.#entries.keys()];
  }

  list(): PeerEntry[] {
    return [...this.#entries.values()];
  }

  live(): LivePeer[] {
    return this.list().filter((entry): entry is LivePeer => entry.state === "live");
  }

  recordSuccess(seed: string, card: PeerCard, latencyMs: number, self = false): PeerEntry {
    const entry = this.#entry(seed);
    Object.assign(entry, {
      ...card,
      state: self ? "self" : "live",
      lastSeen: new Date().toISOString(),
      latencyMs,
      failures: 0,
      lastError: undefined,
    });
    return entry;
  }

  /** Returns true when this failure is the one that drops a live peer. */
  recordFailure(seed: string, error: string): boolean {
    const entry = this.#entry(seed);
    entry.failures++;
    entry.lastError = error;
    if (entry.state === "unreachable" || entry.state === "self" || entry.failures < this.maxFailures) return false;
    const wasLive = entry.state === "live";
    entry.state = "unreachable";
    return wasLive;
  }

  #entry(seed: string): PeerEntry {
    const entry = this.#entries.get(seed);
    if (!entry) throw new Error(`unknown peer seed ${seed}`);
    return entry;
  }
}
