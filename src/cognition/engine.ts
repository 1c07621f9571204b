import { randomUUID } from "node:crypto";
import type { AuditInput } from "../audit/audit-record.ts";
import { EventBuffer } from "./event-buffer.ts";
import { PersonaRegistry } from "./personas.ts";
import type { CognitionSettings } from "./settings.ts";
import type { CognitionStore } from "./store.ts";
import type { Thinker, Thought } from "./thinker.ts";
import systemTemplate from "./thinker-system.txt";
import type { CreatePersona, MemorySnapshot, Persona, SpawnPersona, ThoughtEvent } from "./types.ts";

export interface CognitionEngineOptions {
  settings: CognitionSettings;
  store: CognitionStore;
  thinker: Thinker;
  audit?: (input: AuditInput) => void;
  log?: (line: string) => void;
}

/** A persona's spending in the current minute. */
interface Budget {
  windowStart: number;
  tokens: number;
  computeMs: number;
  paused: boolean;
}

const ROOT_THINKER: CreatePersona = {
  persona_id: "root-thinker",
  name: "root-thinker",
  role: "orchestrator",
  charter: "Watch the workspace's work, raise hypotheses worth checking and propose the next useful step.",
  tags: ["seed"],
};

const MINUTE_MS = 60_000;

/**
 * The perpetual cognition loop: every `loop_interval_ms`, each active persona observes (its charter,
 * its recent thoughts, the latest shared snapshot), reflects (one thinker call, or a deterministic
 * fallback), tests the thought (novel? on charter?) and proposes; then the tick's thoughts are
 * compressed into a memory snapshot. Events and proposals only: nothing here acts on the world.
 */
export class CognitionEngine {
  readonly events: EventBuffer;
  readonly personas: PersonaRegistry;
  readonly #options: CognitionEngineOptions;
  readonly #budgets = new Map<string, Budget>();
  #running = false;
  #loopIntervalMs: number;
  #startedAt: string | null = null;
  #lastTickAt: string | null = null;
  #ticks = 0;
  #timer: NodeJS.Timeout | undefined;
  #abort = new AbortController();
  #tickInFlight: Promise<void> | undefined;

  constructor(options: CognitionEngineOptions) {
    this.#options = options;
    this.#loopIntervalMs = options.settings.loopIntervalMs;
    this.events = new EventBuffer(options.settings.maxEvents);
    this.personas = new PersonaRegistry(options.store, options.settings.policy);
  }

  status() {
    const latest = this.events.latest("thought_generated");
    return {
      enabled: this.#options.settings.enabled,
      running: this.#running,
      loop_interval_ms: this.#loopIntervalMs,
      started_at: this.#startedAt,
      last_tick_at: this.#lastTickAt,
      persona_count: this.personas.all().length,
      active_persona_count: this.personas.active().length,
      events_buffered: this.events.size,
      snapshots_buffered: this.#options.store.snapshotCount(),
      latest_thought: latest
        ? {
            persona_id: latest.persona_id,
            content: latest.payload.thought,
            source: latest.payload.source,
            timestamp: latest.timestamp,
          }
        : null,
    };
  }

  /** Starts the loop (or changes its interval); seeds `seed_persona`, else `root-thinker` when none is active. */
  start(request: { loop_interval_ms?: number; seed_persona?: CreatePersona }): void {
    if (request.loop_interval_ms) this.#loopIntervalMs = request.loop_interval_ms;
    if (request.seed_persona) {
      const existing = request.seed_persona.persona_id && this.personas.get(request.seed_persona.persona_id);
      if (!existing) this.createPersona(request.seed_persona, "seed");
      else if (existing.status === "reaped") this.#spawned(this.personas.revive(existing.persona_id), "seed");
    } else if (this.personas.active().length === 0) {
      const root = this.personas.get(ROOT_THINKER.persona_id!);
      if (root) this.#spawned(this.personas.revive(root.persona_id), "seed");
      else this.createPersona(ROOT_THINKER, "seed");
    }
    if (this.#running) return;
    this.#running = true;
    this.#abort = new AbortController();
    this.#startedAt = new Date().toISOString();
    this.#schedule(this.#loopIntervalMs);
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#abort.abort();
    await this.#tickInFlight;
  }

  createPersona(request: CreatePersona, origin = "api"): Persona {
    return this.#spawned(this.personas.create(request), origin);
  }

  spawn(parentId: string, request: SpawnPersona): Persona {
    return this.#spawned(this.personas.spawn(parentId, request), "api");
  }

  reap(id: string, cascade: boolean, reason: string): string[] {
    const reaped = this.personas.reap(id, cascade, reason);
    for (const persona of reaped) {
      this.#budgets.delete(persona.persona_id);
      this.#emit("persona_reaped", persona, { reason, cascade, requested_for: id });
    }
    return reaped.map((p) => p.persona_id);
  }

  latestSnapshot(): MemorySnapshot | undefined {
    return this.#options.store.latestSnapshot();
  }

  #spawned(persona: Persona, origin: string): Persona {
    this.#emit("persona_spawned", persona, {
      origin,
      parent_id: persona.parent_id,
      depth: persona.depth,
      name: persona.name,
      role: persona.role,
    });
    return persona;
  }

  #emit(
    type: ThoughtEvent["event_type"],
    persona: Persona | undefined,
    payload: Record<string, unknown>,
  ): ThoughtEvent {
    return this.events.emit({
      event_type: type,
      ...(persona ? { persona_id: persona.persona_id, swarm_id: persona.swarm_id } : {}),
      payload,
    });
  }

  /**
   * One loop belongs to one start: its signal is aborted by stop(), so a tick still in flight when the loop is
   * stopped and started again neither reschedules itself nor records its thoughts (no second loop).
   */
  #schedule(delayMs: number): void {
    const signal = this.#abort.signal;
    this.#timer = setTimeout(() => {
      const tick = this.#tick(signal)
        .catch((error: unknown) => this.#options.log?.(`cognition tick failed: ${(error as Error).message}`))
        .finally(() => {
          if (this.#tickInFlight === tick) this.#tickInFlight = undefined;
          if (!signal.aborted) this.#schedule(this.#loopIntervalMs);
        });
      this.#tickInFlight = tick;
    }, delayMs);
  }

  async #tick(signal: AbortSignal): Promise<void> {
    this.#ticks++;
    this.#lastTickAt = new Date().toISOString();
    const thoughts: Array<{ persona: Persona; text: string; proposal?: string }> = [];
    for (const persona of this.personas.active()) {
      if (signal.aborted) return;
      // Reaped by a request while an earlier persona of this tick was thinking.
      if (persona.status !== "active") continue;
      if (this.#reapIfIdle(persona) || !this.#withinBudget(persona)) continue;
      const thought = await this.#think(persona, signal);
      if (thought) thoughts.push(thought);
    }
    if (thoughts.length && !signal.aborted) this.#compress(thoughts);
  }

  #reapIfIdle(persona: Persona): boolean {
    const idleMs = Date.now() - Date.parse(persona.last_progress_at);
    if (idleMs < persona.policy.idle_ttl_secs * 1000) return false;
    const reason = `idle for ${Math.round(idleMs / 1000)} s (idle_ttl_secs ${persona.policy.idle_ttl_secs})`;
    this.personas.reap(persona.persona_id, false, reason);
    this.#budgets.delete(persona.persona_id);
    this.#emit("idle_reaped", persona, { reason, idle_ttl_secs: persona.policy.idle_ttl_secs });
    this.#options.audit?.({
      actor: "cognition",
      action: "cognition.idle_reaped",
      resource: `/v1/swarm/personas/${persona.persona_id}`,
      status: "reaped",
      details: { reason },
    });
    return true;
  }

  /** False while the persona has spent its tokens or compute of the minute (one `budget_paused` per pause). */
  #withinBudget(persona: Persona): boolean {
    const now = Date.now();
    let budget = this.#budgets.get(persona.persona_id);
    if (!budget || now - budget.windowStart >= MINUTE_MS) {
      budget = { windowStart: now, tokens: 0, computeMs: 0, paused: false };
      this.#budgets.set(persona.persona_id, budget);
    }
    const { token_budget_per_minute: tokenBudget, compute_ms_per_minute: computeBudget } = persona.policy;
    const over =
      budget.tokens >= tokenBudget
        ? { reason: "token_budget_per_minute", used: budget.tokens, budget: tokenBudget }
        : budget.computeMs >= computeBudget
          ? { reason: "compute_ms_per_minute", used: budget.computeMs, budget: computeBudget }
          : undefined;
    if (!over) return true;
    if (!budget.paused) {
      budget.paused = true;
      this.#emit("budget_paused", persona, {
        ...over,
        resumes_at: new Date(budget.windowStart + MINUTE_MS).toISOString(),
      });
    }
    return false;
  }

  /** observe → reflect → test for one persona; returns what the compress step keeps (nothing if stopped meanwhile). */
  async #think(
    persona: Persona,
    signal: AbortSignal,
  ): Promise<{ persona: Persona; text: string; proposal?: string } | undefined> {
    const previous = this.events
      .recent(this.events.size, persona.persona_id)
      .filter((e) => e.event_type === "thought_generated")
      .slice(-5)
      .map((e) => String(e.payload.thought));
    const shared = persona.policy.share_memory ? this.latestSnapshot()?.summary : undefined;
    const started = performance.now();
    const thought = await this.#options.thinker({
      // One pass, with a function: a `$&` or a `{charter}` in a persona's own text is kept as written.
      system: systemTemplate.replace(/\{(name|role|charter)\}/g, (_, key: "name" | "role" | "charter") => persona[key]),
      prompt: observation(previous, shared, this.#ticks),
      fallback: fallbackThought(persona, previous.length, this.#ticks),
      signal,
    });
    // Stopped (or reaped) meanwhile: the cut-off call is not a thought.
    if (signal.aborted || persona.status !== "active") return undefined;
    const elapsedMs = Math.round(performance.now() - started);
    const budget = this.#budgets.get(persona.persona_id);
    if (budget) {
      budget.tokens += thought.tokens;
      budget.computeMs += elapsedMs;
    }
    this.#emit("thought_generated", persona, {
      phase: "reflect",
      thought: thought.text,
      source: thought.source,
      tokens: thought.tokens,
      elapsed_ms: elapsedMs,
      ...(thought.error ? { fallback_reason: thought.error } : {}),
    });
    return { persona, text: thought.text, proposal: this.#test(persona, thought, previous) };
  }

  /** The test step: is the thought new and on charter? A model thought that passes becomes a proposal. */
  #test(persona: Persona, thought: Thought, previous: string[]): string | undefined {
    const hypothesis = firstSentence(thought.text);
    this.#emit("hypothesis_raised", persona, { hypothesis });
    this.#emit("check_requested", persona, { hypothesis, checks: ["novelty", "charter_relevance", "model_source"] });
    const novel = !previous.includes(thought.text);
    const relevant = sharesTerm(thought.text, `${persona.charter} ${persona.role}`);
    const fromModel = thought.source === "model";
    const passed = novel && relevant && fromModel;
    this.#emit("check_result", persona, {
      hypothesis,
      passed,
      novel,
      charter_relevance: relevant,
      model_source: fromModel,
    });
    if (novel) this.personas.progressed(persona);
    if (!passed) return undefined;
    this.#emit("proposal_created", persona, {
      proposal_id: randomUUID(),
      title: hypothesis.slice(0, 160),
      rationale: thought.text,
      status: "proposed",
    });
    return hypothesis;
  }

  #compress(thoughts: Array<{ persona: Persona; text: string; proposal?: string }>): void {
    const snapshot: MemorySnapshot = {
      id: randomUUID(),
      generated_at: new Date().toISOString(),
      persona_scope: thoughts.map((t) => t.persona.persona_id),
      summary: thoughts.map((t) => `${t.persona.name}: ${t.text.slice(0, 240)}`).join("\n"),
      hot_event_count: this.events.size,
      proposals: thoughts.flatMap((t) => (t.proposal ? [t.proposal] : [])),
    };
    this.#options.store.addSnapshot(snapshot);
    this.#emit("snapshot_compressed", undefined, {
      snapshot_id: snapshot.id,
      persona_scope: snapshot.persona_scope,
      summary_chars: snapshot.summary.length,
    });
  }
}

function observation(previous: string[], shared: string | undefined, tick: number): string {
  const lines = [`Tick ${tick}.`];
  if (previous.length) lines.push("Your recent thoughts:", ...previous.map((t) => `- ${t}`));
  if (shared) lines.push("Shared memory (latest snapshot):", shared);
  lines.push("Your next thought:");
  return lines.join("\n");
}

/** Used when the thinker cannot answer: deterministic, so the same state gives the same thought. */
function fallbackThought(persona: Persona, recentCount: number, tick: number): string {
  return `${persona.name} (${persona.role}), tick ${tick}: no model thought; revisiting the charter "${persona.charter.slice(0, 160)}" with ${recentCount} recent thoughts in view; next step: restate its most open question.`;
}

function firstSentence(text: string): string {
  return (/^.*?[.!?](\s|$)/s.exec(text)?.[0] ?? text).trim();
}

/** Whether the thought shares a word of four letters or more with the charter (a cheap relevance test). */
function sharesTerm(text: string, charter: string): boolean {
  const words = (s: string) => new Set(s.toLowerCase().match(/[\p{L}\p{N}]{4,}/gu) ?? []);
  const charterWords = words(charter);
  return [...words(text)].some((w) => charterWords.has(w));
}
