import type { AgentRegistry } from "../bus/agent-registry.ts";
import { fetchPeerCard, type PeerCard } from "./peer-card.ts";
import { PeerTable } from "./peer-table.ts";

export const DEFAULT_DISCOVERY_INTERVAL_MS = 10_000;

export interface DiscoveryOptions {
  seeds: readonly string[];
  /** Live peers are entered here as remote agents, and removed once dropped. */
  registry?: AgentRegistry;
  intervalMs?: number;
  /** Per card fetch. */
  timeoutMs?: number;
  /** This agent's own name: a seed serving it is marked `self`, never entered as a peer. */
  selfName?: string;
  /** Misses in a row before a peer is dropped (default 3). */
  maxFailures?: number;
  /** Told when a peer joins or is dropped (for the spawn log). */
  onChange?: (change: { type: "live" | "dropped"; seed: string; name?: string; error?: string }) => void;
}

/** The discovery loop of a spawned peer: fetches every seed's card each interval and keeps the table and registry current. */
export class PeerDiscovery {
  readonly table: PeerTable;
  readonly #options: DiscoveryOptions;
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | undefined;
  #lastRound = 0;

  constructor(options: DiscoveryOptions) {
    this.#options = options;
    this.table = new PeerTable(options.seeds, options.maxFailures);
  }

  /** Runs a first round (so peers up now are known at once), then one per interval. */
  async start(): Promise<void> {
    await this.refresh();
    if (this.#abort.signal.aborted) return;
    this.#timer = setInterval(() => void this.refresh(), this.#options.intervalMs ?? DEFAULT_DISCOVERY_INTERVAL_MS);
    this.#timer.unref();
  }

  /** One round over every seed; a round still running is joined rather than doubled. */
  refresh(): Promise<void> {
    this.#round ??= this.#runRound().finally(() => {
      this.#round = undefined;
      this.#lastRound = Date.now();
    });
    return this.#round;
  }

  /** Refreshes only when the last round is older than `maxAgeMs` (for callers without a loop). */
  async refreshIfOlder(maxAgeMs: number): Promise<void> {
    if (Date.now() - this.#lastRound > maxAgeMs) await this.refresh();
  }

  stop(): void {
    this.#abort.abort();
    clearInterval(this.#timer);
  }

  async #runRound(): Promise<void> {
    const { timeoutMs } = this.#options;
    await Promise.all(
      this.table.seeds.map(async (seed) => {
        const started = performance.now();
        try {
          const card = await fetchPeerCard(seed, { timeoutMs, signal: this.#abort.signal });
          if (!this.#abort.signal.aborted) this.#live(seed, card, performance.now() - started);
        } catch (error) {
          if (!this.#abort.signal.aborted) this.#failed(seed, (error as Error).message);
        }
      }),
    );
  }

  #live(seed: string, card: PeerCard, latencyMs: number): void {
    const before = this.table.list().find((entry) => entry.seed === seed);
    const wasLive = before?.state === "live";
    const previousName = before?.name;
    const self = card.name === this.#options.selfName;
    this.table.recordSuccess(seed, card, Math.round(latencyMs), self);
    if (self) return;
    const registry = this.#options.registry;
    if (registry) {
      if (previousName && previousName !== card.name) registry.unregister(previousName);
      registry.upsertRemote({ name: card.name, description: card.description, url: card.url, skills: card.skills });
    }
    if (!wasLive) this.#options.onChange?.({ type: "live", seed, name: card.name });
  }

  #failed(seed: string, error: string): void {
    const name = this.table.list().find((entry) => entry.seed === seed)?.name;
    if (!this.table.recordFailure(seed, error)) return;
    if (name && this.#options.registry?.get(name)?.remote) this.#options.registry.unregister(name);
    this.#options.onChange?.({ type: "dropped", seed, name, error });
  }
}
