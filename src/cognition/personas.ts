import { randomUUID } from "node:crypto";
import { CognitionError } from "./errors.ts";
import type { CognitionStore } from "./store.ts";
import type { CreatePersona, Persona, PersonaPolicy, SpawnPersona } from "./types.ts";

/** The lineage graph of `GET /v1/swarm/lineage`. */
export interface Lineage {
  nodes: Array<
    Pick<
      Persona,
      "persona_id" | "parent_id" | "swarm_id" | "name" | "role" | "status" | "depth" | "created_at" | "reaped_at"
    > & {
      children: string[];
    }
  >;
  roots: string[];
  total_edges: number;
}

/**
 * The personas, their lineage and the spawn policy: a child is at most `max_spawn_depth` below its root,
 * a persona has at most `max_branching_factor` active children, and a child's policy never exceeds its
 * parent's (as a sub-agent never gets more permission than its parent). Every change is persisted.
 */
export class PersonaRegistry {
  readonly #byId = new Map<string, Persona>();
  readonly #store: CognitionStore;
  readonly #defaults: PersonaPolicy;

  constructor(store: CognitionStore, defaults: PersonaPolicy) {
    this.#store = store;
    this.#defaults = defaults;
    for (const persona of store.personas()) this.#byId.set(persona.persona_id, persona);
  }

  all(): Persona[] {
    return [...this.#byId.values()];
  }

  active(): Persona[] {
    return this.all().filter((p) => p.status === "active");
  }

  get(id: string): Persona | undefined {
    return this.#byId.get(id);
  }

  require(id: string): Persona {
    const persona = this.#byId.get(id);
    if (!persona) throw new CognitionError(404, `no persona '${id}'`);
    return persona;
  }

  /** A root persona, or a child when `parent_id` is given (then under the spawn policy). */
  create(request: CreatePersona): Persona {
    if (request.parent_id) {
      const { parent_id, swarm_id, ...rest } = request;
      const parent = this.require(parent_id);
      if (swarm_id && swarm_id !== parent.swarm_id)
        throw new CognitionError(400, `swarm_id '${swarm_id}' differs from the parent's swarm '${parent.swarm_id}'`);
      return this.spawn(parent.persona_id, rest);
    }
    const now = new Date().toISOString();
    return this.#add({
      persona_id: this.#freeId(request.persona_id),
      name: request.name,
      role: request.role,
      charter: request.charter,
      swarm_id: request.swarm_id ?? randomUUID(),
      parent_id: null,
      depth: 0,
      policy: narrowed(this.#defaults, request.policy ?? {}),
      tags: request.tags,
      status: "active",
      created_at: now,
      last_progress_at: now,
      reaped_at: null,
      reap_reason: null,
    });
  }

  spawn(parentId: string, request: SpawnPersona): Persona {
    const parent = this.require(parentId);
    if (parent.status !== "active") throw new CognitionError(409, `persona '${parentId}' is reaped and cannot spawn`);
    const depth = parent.depth + 1;
    if (depth > parent.policy.max_spawn_depth)
      throw new CognitionError(
        409,
        `spawn depth ${depth} exceeds max_spawn_depth ${parent.policy.max_spawn_depth} of persona '${parentId}'`,
      );
    const children = this.active().filter((p) => p.parent_id === parentId).length;
    if (children >= parent.policy.max_branching_factor)
      throw new CognitionError(
        409,
        `persona '${parentId}' already has ${children} active children (max_branching_factor ${parent.policy.max_branching_factor})`,
      );
    const now = new Date().toISOString();
    return this.#add({
      persona_id: this.#freeId(request.persona_id),
      name: request.name ?? `${parent.name}-child-${children + 1}`,
      role: request.role ?? parent.role,
      charter: request.charter ?? parent.charter,
      swarm_id: parent.swarm_id,
      parent_id: parent.persona_id,
      depth,
      policy: narrowed(parent.policy, request.policy ?? {}),
      tags: request.tags ?? parent.tags,
      status: "active",
      created_at: now,
      last_progress_at: now,
      reaped_at: null,
      reap_reason: null,
    });
  }

  /** Reaps the persona (and with `cascade` its active descendants); returns the ids reaped now. */
  reap(id: string, cascade: boolean, reason: string): Persona[] {
    const root = this.require(id);
    const targets = cascade ? [root, ...this.#descendants(root.persona_id)] : [root];
    const now = new Date().toISOString();
    const reaped = targets.filter((p) => p.status === "active");
    for (const persona of reaped) Object.assign(persona, { status: "reaped", reaped_at: now, reap_reason: reason });
    this.#store.savePersonas(reaped);
    return reaped;
  }

  /** Brings a reaped persona back (the `root-thinker` seed on a start with nothing active). */
  revive(id: string): Persona {
    const persona = this.require(id);
    const now = new Date().toISOString();
    Object.assign(persona, { status: "active", reaped_at: null, reap_reason: null, last_progress_at: now });
    this.#store.savePersonas([persona]);
    return persona;
  }

  progressed(persona: Persona): void {
    persona.last_progress_at = new Date().toISOString();
    this.#store.savePersonas([persona]);
  }

  lineage(): Lineage {
    const nodes = this.all().map((p) => ({
      persona_id: p.persona_id,
      parent_id: p.parent_id,
      swarm_id: p.swarm_id,
      name: p.name,
      role: p.role,
      status: p.status,
      depth: p.depth,
      created_at: p.created_at,
      reaped_at: p.reaped_at,
      children: this.all()
        .filter((c) => c.parent_id === p.persona_id)
        .map((c) => c.persona_id),
    }));
    return {
      nodes,
      roots: nodes.filter((n) => n.parent_id === null).map((n) => n.persona_id),
      total_edges: nodes.reduce((sum, n) => sum + n.children.length, 0),
    };
  }

  #descendants(id: string): Persona[] {
    const children = this.all().filter((p) => p.parent_id === id);
    return children.flatMap((child) => [child, ...this.#descendants(child.persona_id)]);
  }

  #freeId(requested: string | undefined): string {
    if (requested && this.#byId.has(requested)) throw new CognitionError(409, `persona '${requested}' already exists`);
    return requested ?? randomUUID();
  }

  #add(persona: Persona): Persona {
    this.#byId.set(persona.persona_id, persona);
    this.#store.savePersonas([persona]);
    return persona;
  }
}

/** A child's policy: what it asks for, never more than its parent has. */
function narrowed(parent: PersonaPolicy, asked: Partial<PersonaPolicy>): PersonaPolicy {
  const lower = (key: keyof PersonaPolicy & `${string}_${string}`) =>
    Math.min(parent[key] as number, (asked[key] as number | undefined) ?? (parent[key] as number));
  return {
    max_spawn_depth: lower("max_spawn_depth"),
    max_branching_factor: lower("max_branching_factor"),
    token_budget_per_minute: lower("token_budget_per_minute"),
    compute_ms_per_minute: lower("compute_ms_per_minute"),
    idle_ttl_secs: lower("idle_ttl_secs"),
    share_memory: parent.share_memory && (asked.share_memory ?? true),
    allowed_tools: asked.allowed_tools
      ? asked.allowed_tools.filter((tool) => parent.allowed_tools.includes(tool))
      : parent.allowed_tools,
  };
}
