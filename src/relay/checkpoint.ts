/** What one relay turn hands to the next (the seed's ContextDelta). */
export interface DeltaBody {
  facts: string[];
  decisions: string[];
  risks: string[];
  next_actions: string[];
  evidence: string[];
}

export interface ContextDelta {
  relay_id: string;
  from_agent: string;
  round: number;
  turn: number;
  delta: DeltaBody;
}

/** One relay member: a persona (its role in the prompt) on an agent profile. */
export interface RelayAgent {
  name: string;
  persona: string;
  profile: string;
  /** `provider/model` of this member when it differs from the relay's. */
  model?: string;
}

export type RelayStatus = "running" | "converged" | "max_rounds_reached" | "key_results_met";

/**
 * The whole state of a relay after its last finished turn: enough to continue at the next turn in the
 * same order after a crash. Saved after every turn (and after every key-result evaluation).
 */
export interface RelayCheckpoint {
  relay_id: string;
  okr_id: string | null;
  okr_run_id: string | null;
  task: string;
  workspace: string;
  model: string;
  /** The turn order: turn t is taken by agents[(t - 1) % agents.length]. */
  agents: RelayAgent[];
  max_rounds: number;
  /** The last finished turn (0 before the first) and its round. */
  turn: number;
  round: number;
  /** The last turn whose key results were evaluated (a crash between a turn and its evaluation redoes only the evaluation). */
  evaluated_turn: number;
  shared_context: DeltaBody;
  last_delta: ContextDelta | null;
  kr_progress: Record<string, number>;
  /** The session of each finished turn, in turn order. */
  session_ids: string[];
  status: RelayStatus;
  cost: number;
  updated_at: string;
}

/** Where checkpoints are kept; a write is durable when its promise resolves. */
export interface CheckpointStore {
  saveCheckpoint(checkpoint: RelayCheckpoint): Promise<void>;
  getCheckpoint(relayId: string): Promise<RelayCheckpoint | undefined>;
  /**
   * Holds the relay for this process against every machine sharing the store (a database) until the
   * returned function is called; rejects while another holds it. Absent where the data dir's file lock
   * (holdRelay) already covers every process that can reach the store.
   */
  holdRelay?(relayId: string): Promise<() => Promise<void>>;
}

export function emptyDelta(): DeltaBody {
  return { facts: [], decisions: [], risks: [], next_actions: [], evidence: [] };
}

/** The checkpoint of a relay that has not taken a turn yet. */
export function newCheckpoint(
  fields: Pick<RelayCheckpoint, "relay_id" | "task" | "workspace" | "model" | "agents" | "max_rounds"> &
    Partial<Pick<RelayCheckpoint, "okr_id" | "okr_run_id" | "cost">>,
): RelayCheckpoint {
  return {
    okr_id: null,
    okr_run_id: null,
    cost: 0,
    ...fields,
    turn: 0,
    round: 0,
    evaluated_turn: 0,
    shared_context: emptyDelta(),
    last_delta: null,
    kr_progress: {},
    session_ids: [],
    status: "running",
    updated_at: new Date().toISOString(),
  };
}
