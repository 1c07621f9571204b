import { randomUUID } from "node:crypto";
import { UserError } from "../contracts/errors.ts";
import {
  krProgress,
  type KeyResult,
  type KrOutcome,
  type KrStatus,
  type MetricType,
  type Okr,
  type OkrRun,
  type OkrStatus,
  type RunStatus,
} from "./model.ts";
import type { OkrStore } from "./store.ts";
import { checkOkrTransition, checkRunTransition, validateOkr, validateRun } from "./validation.ts";

export interface NewKeyResult {
  title: string;
  description?: string;
  target_value: number;
  unit?: string;
  metric_type?: MetricType;
}

export interface NewOkr {
  title: string;
  description?: string;
  key_results: NewKeyResult[];
  owner?: string;
  tags?: string[];
  target_date?: string;
}

/** A key result's new value after an evaluation, with what it was judged from. */
export interface KrScore {
  kr_id: string;
  value: number;
  evidence: string[];
  description: string;
  outcome_type: KrOutcome["outcome_type"];
  source: string;
}

/** The rules of the OKR model over a store: validation, status transitions, approval, progress. */
export class OkrService {
  constructor(readonly store: OkrStore) {}

  /** `id`: given when records were stamped with it before the objective existed (a /go draft). */
  async createOkr(input: NewOkr, status: OkrStatus = "draft", id: string = randomUUID()): Promise<Okr> {
    validateOkr({ title: input.title, key_results: input.key_results });
    const now = new Date().toISOString();
    const okr: Okr = {
      id,
      title: input.title.trim(),
      description: input.description?.trim() ?? "",
      status,
      key_results: input.key_results.map((kr): KeyResult => ({
        id: randomUUID(),
        okr_id: id,
        title: kr.title.trim(),
        description: kr.description?.trim() ?? "",
        target_value: kr.target_value,
        current_value: 0,
        unit: kr.unit ?? "",
        metric_type: kr.metric_type ?? defaultMetric(kr),
        status: "pending",
        outcomes: [],
      })),
      ...(input.owner ? { owner: input.owner } : {}),
      tags: input.tags ?? [],
      created_at: now,
      updated_at: now,
      ...(input.target_date ? { target_date: input.target_date } : {}),
    };
    await this.store.insertOkr(okr);
    return okr;
  }

  async createRun(
    okrId: string,
    name: string,
    fields: Partial<Pick<OkrRun, "id" | "relay_checkpoint_id" | "session_id">> = {},
  ): Promise<OkrRun> {
    validateRun({ name });
    const okr = await this.okr(okrId);
    const run: OkrRun = {
      id: randomUUID(),
      okr_id: okr.id,
      name: name.trim(),
      status: "pending_approval",
      ...fields,
      kr_progress: Object.fromEntries(okr.key_results.map((kr) => [kr.id, 0])),
      outcomes: [],
      iterations: 0,
      cost: 0,
      started_at: new Date().toISOString(),
    };
    await this.store.insertRun(run);
    return run;
  }

  async okr(id: string): Promise<Okr> {
    const okr = await this.store.getOkr(id);
    if (!okr) throw new UserError(`objective not found: ${id} (see: codetether okr list)`);
    return okr;
  }

  async run(id: string): Promise<OkrRun> {
    const run = await this.store.getRun(id);
    if (!run) throw new UserError(`run not found: ${id} (see: codetether okr runs --id OKR)`);
    return run;
  }

  async setOkrStatus(id: string, status: OkrStatus): Promise<Okr> {
    const okr = await this.okr(id);
    checkOkrTransition(okr, status);
    const updated = { ...okr, status, updated_at: new Date().toISOString() };
    await this.store.updateOkr(updated);
    return updated;
  }

  async setRunStatus(id: string, status: RunStatus, fields: Partial<OkrRun> = {}): Promise<OkrRun> {
    const run = { ...(await this.run(id)), ...fields };
    checkRunTransition(run, status);
    const terminal = ["completed", "failed", "denied", "cancelled"].includes(status);
    const updated: OkrRun = { ...run, status, ...(terminal ? { completed_at: new Date().toISOString() } : {}) };
    await this.store.updateRun(updated);
    return updated;
  }

  /** The gate: approving activates the objective; denying cancels it (a new intent is a new draft). */
  decide(runId: string, decision: "approved" | "denied", reason = "", approver?: string): Promise<OkrRun> {
    return this.store.transaction(async () => {
      const run = await this.run(runId);
      const approval = { decision, reason, ...(approver ? { approver } : {}), decided_at: new Date().toISOString() };
      const updated = await this.setRunStatus(runId, decision, { approval });
      const okr = await this.okr(run.okr_id);
      if (okr.status === "draft") await this.setOkrStatus(okr.id, decision === "approved" ? "active" : "cancelled");
      return updated;
    });
  }

  /** Records a turn's evaluation: each key result's value and status, the outcomes, the run's kr_progress. */
  recordScores(runId: string, scores: KrScore[]): Promise<OkrRun> {
    return this.store.transaction(async () => {
      const run = await this.run(runId);
      const okr = await this.okr(run.okr_id);
      const progress = { ...run.kr_progress };
      const now = new Date().toISOString();
      for (const score of scores) {
        const kr = okr.key_results.find((k) => k.id === score.kr_id);
        if (!kr) continue;
        const current_value = Math.max(0, Math.min(kr.target_value, score.value));
        const updated = { ...kr, current_value, status: progressStatus(krProgress({ ...kr, current_value })) };
        await this.store.updateKeyResult(updated);
        progress[kr.id] = krProgress(updated);
        await this.store.insertOutcome({
          id: randomUUID(),
          kr_id: kr.id,
          run_id: runId,
          description: score.description,
          outcome_type: score.outcome_type,
          value: current_value,
          evidence: score.evidence,
          source: score.source,
          created_at: now,
        });
      }
      const updated = { ...run, kr_progress: progress };
      await this.store.updateRun(updated);
      return this.run(runId);
    });
  }

  /** The end of a run: final key-result statuses, the objective completed when every key result is met. */
  finish(runId: string, status: "completed" | "failed", fields: Partial<OkrRun> = {}): Promise<OkrRun> {
    return this.store.transaction(async () => {
      const run = await this.setRunStatus(runId, status, fields);
      const okr = await this.okr(run.okr_id);
      for (const kr of okr.key_results) {
        const progress = krProgress(kr);
        const final: KrStatus = progress >= 1 ? "completed" : progress > 0 ? "at_risk" : "failed";
        await this.store.updateKeyResult({ ...kr, status: final });
      }
      if (okr.key_results.every((kr) => krProgress(kr) >= 1) && okr.status === "active")
        await this.setOkrStatus(okr.id, "completed");
      return run;
    });
  }
}

function progressStatus(progress: number): KrStatus {
  return progress >= 1 ? "completed" : progress > 0 ? "in_progress" : "pending";
}

function defaultMetric(kr: NewKeyResult): MetricType {
  if (kr.unit === "%") return "progress";
  if (kr.unit === "ms" || kr.unit === "s") return "latency";
  if (kr.target_value === 1 && !kr.unit) return "binary";
  return "count";
}
