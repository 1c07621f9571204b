import { z } from "zod";

/** The ThoughtEvent types of the cognition API (public interface: names kept from the original). */
const THOUGHT_EVENT_TYPES = [
  "thought_generated",
  "hypothesis_raised",
  "check_requested",
  "check_result",
  "proposal_created",
  "persona_spawned",
  "persona_reaped",
  "snapshot_compressed",
  "budget_paused",
  "idle_reaped",
] as const;

export type ThoughtEventType = (typeof THOUGHT_EVENT_TYPES)[number];

export interface ThoughtEvent {
  id: string;
  event_type: ThoughtEventType;
  persona_id?: string;
  swarm_id?: string;
  timestamp: string;
  payload: Record<string, unknown>;
}

/** A buffered event with its stream position (the SSE id a client resumes after). */
export interface SequencedEvent {
  seq: number;
  event: ThoughtEvent;
}

const personaPolicySchema = z
  .object({
    max_spawn_depth: z.number().int().min(0).max(64),
    max_branching_factor: z.number().int().min(0).max(64),
    token_budget_per_minute: z.number().int().min(0),
    compute_ms_per_minute: z.number().int().min(0),
    idle_ttl_secs: z.number().int().min(1),
    share_memory: z.boolean(),
    allowed_tools: z.array(z.string().min(1)),
  })
  .strict();

export type PersonaPolicy = z.infer<typeof personaPolicySchema>;

export type PersonaStatus = "active" | "reaped";

export interface Persona {
  persona_id: string;
  name: string;
  role: string;
  charter: string;
  swarm_id: string;
  parent_id: string | null;
  depth: number;
  policy: PersonaPolicy;
  tags: string[];
  status: PersonaStatus;
  created_at: string;
  /** When the persona last thought something new (idle TTL counts from here). */
  last_progress_at: string;
  reaped_at: string | null;
  reap_reason: string | null;
}

/** A compressed view of the recent thoughts: what a restart or a new client starts from. */
export interface MemorySnapshot {
  id: string;
  generated_at: string;
  persona_scope: string[];
  summary: string;
  hot_event_count: number;
  proposals: string[];
}

const personaId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    "use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit",
  );

/** `POST /v1/swarm/personas` (and `seed_persona`): a new persona, root or under `parent_id`. */
export const createPersonaSchema = z
  .object({
    persona_id: personaId.optional(),
    name: z.string().trim().min(1).max(200),
    role: z.string().trim().min(1).max(200),
    charter: z.string().trim().min(1).max(4000),
    swarm_id: personaId.optional(),
    parent_id: personaId.optional(),
    policy: personaPolicySchema.partial().optional(),
    tags: z.array(z.string().min(1).max(100)).max(32).default([]),
  })
  .strict();

export type CreatePersona = z.infer<typeof createPersonaSchema>;

/** `POST /v1/swarm/personas/{id}/spawn`: every field optional, the child inherits the rest from its parent. */
export const spawnPersonaSchema = createPersonaSchema
  .omit({ parent_id: true, swarm_id: true })
  .partial()
  .extend({ tags: z.array(z.string().min(1).max(100)).max(32).optional() })
  .strict();

export type SpawnPersona = z.infer<typeof spawnPersonaSchema>;

export const reapSchema = z
  .object({ cascade: z.boolean().default(false), reason: z.string().max(500).optional() })
  .strict();

export const startSchema = z
  .object({
    loop_interval_ms: z.number().int().min(50).max(3_600_000).optional(),
    seed_persona: createPersonaSchema.optional(),
  })
  .strict();

export const stopSchema = z.object({ reason: z.string().max(500).optional() }).strict();
