import type { CheckpointStore } from "../relay/checkpoint.ts";
import type { KeyResult, KrOutcome, Okr, OkrRun, OkrStatus } from "./model.ts";

/**
 * Persistence of objectives, their runs, outcomes and relay checkpoints. Dumb storage: the rules
 * (validation, status transitions) live in OkrService, so another backend only has to store documents.
 * Every write is durable when its promise resolves.
 */
export interface OkrStore extends CheckpointStore {
  /** Inserts the objective with its key results. */
  insertOkr(okr: Okr): Promise<void>;
  /** The objective with its key results and their outcomes. */
  getOkr(id: string): Promise<Okr | undefined>;
  /** Newest first. */
  listOkrs(filter?: { status?: OkrStatus }): Promise<Okr[]>;
  updateOkr(okr: Omit<Okr, "key_results">): Promise<void>;
  updateKeyResult(kr: Omit<KeyResult, "outcomes">): Promise<void>;
  insertRun(run: OkrRun): Promise<void>;
  /** The run with its outcomes. */
  getRun(id: string): Promise<OkrRun | undefined>;
  /** Oldest first. */
  listRuns(okrId?: string): Promise<OkrRun[]>;
  updateRun(run: Omit<OkrRun, "outcomes">): Promise<void>;
  insertOutcome(outcome: KrOutcome): Promise<void>;
  /**
   * Runs `fn` as one atomic write: the store's calls `fn` makes (awaited, in its async context) belong to
   * it; a transaction begun inside another joins it. Other callers' writes wait until it ends.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Releases what the store holds open (a PostgreSQL pool), so the process can exit. */
  close(): Promise<void>;
}
