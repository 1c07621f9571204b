import type { RelayCheckpoint } from "../relay/checkpoint.ts";
import type { KeyResult, KrOutcome, Okr, OkrRun } from "./model.ts";

/*
 * The rows both OKR stores write, values in their tables' column order: each record is a JSON document
 * (without what other tables hold: key results, outcomes) beside the columns it is looked up and sorted by.
 */

/** okrs: id, status, created_at, doc. */
export function okrRow(okr: Omit<Okr, "key_results">): [string, string, string, string] {
  const { key_results: _ignored, ...doc } = okr as Okr;
  return [okr.id, okr.status, okr.created_at, JSON.stringify(doc)];
}

/** okr_key_results: id, okr_id, position, doc. */
export function keyResultRows(okr: Okr): Array<[string, string, number, string]> {
  return okr.key_results.map((kr, position) => [kr.id, okr.id, position, keyResultDoc(kr)]);
}

export function keyResultDoc(kr: Omit<KeyResult, "outcomes">): string {
  const { outcomes: _ignored, ...doc } = kr as KeyResult;
  return JSON.stringify(doc);
}

/** okr_runs: id, okr_id, started_at, doc. */
export function runRow(run: Omit<OkrRun, "outcomes">): [string, string, string, string] {
  const { outcomes: _ignored, ...doc } = run as OkrRun;
  return [run.id, run.okr_id, run.started_at, JSON.stringify(doc)];
}

/** okr_outcomes: id, kr_id, run_id, created_at, doc. */
export function outcomeRow(outcome: KrOutcome): [string, string, string | null, string, string] {
  return [outcome.id, outcome.kr_id, outcome.run_id ?? null, outcome.created_at, JSON.stringify(outcome)];
}

/** relay_checkpoints: relay_id, okr_run_id, updated_at, doc. */
export function checkpointRow(checkpoint: RelayCheckpoint): [string, string | null, string, string] {
  return [checkpoint.relay_id, checkpoint.okr_run_id, checkpoint.updated_at, JSON.stringify(checkpoint)];
}

/** A checkpoint replaces the relay's previous one (same SQL in both databases, placeholders aside). */
export const UPSERT_CHECKPOINT = `INSERT INTO relay_checkpoints (relay_id, okr_run_id, updated_at, doc)`;
export const ON_CHECKPOINT_CONFLICT = `ON CONFLICT (relay_id) DO UPDATE SET okr_run_id = excluded.okr_run_id,
  updated_at = excluded.updated_at, doc = excluded.doc`;
