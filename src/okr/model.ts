/** The OKR data model (snake_case, as stored and exported): objectives, key results, runs and their outcomes. */

export const OKR_STATUSES = ["draft", "active", "completed", "cancelled", "on_hold"] as const;
export type OkrStatus = (typeof OKR_STATUSES)[number];

const KR_STATUSES = ["pending", "in_progress", "completed", "at_risk", "failed"] as const;
export type KrStatus = (typeof KR_STATUSES)[number];

export const METRIC_TYPES = ["progress", "count", "binary", "latency", "quality"] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

const RUN_STATUSES = [
  "draft",
  "pending_approval",
  "approved",
  "running",
  "paused",
  "waiting_approval",
  "completed",
  "failed",
  "denied",
  "cancelled",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const OUTCOME_TYPES = [
  "evidence",
  "test_pass",
  "code_change",
  "bug_fix",
  "feature_delivered",
  "metric_achievement",
  "review_passed",
  "deployment",
] as const;
export type OutcomeType = (typeof OUTCOME_TYPES)[number];

export interface KrOutcome {
  id: string;
  kr_id: string;
  run_id?: string;
  description: string;
  outcome_type: OutcomeType;
  value?: number;
  evidence: string[];
  /** Who produced it: `model`, `command`, `user`. */
  source: string;
  created_at: string;
}

export interface KeyResult {
  id: string;
  okr_id: string;
  title: string;
  description: string;
  target_value: number;
  current_value: number;
  unit: string;
  metric_type: MetricType;
  status: KrStatus;
  outcomes: KrOutcome[];
}

export interface Okr {
  id: string;
  title: string;
  description: string;
  status: OkrStatus;
  key_results: KeyResult[];
  owner?: string;
  tags: string[];
  created_at: string;
  updated_at: string;
  target_date?: string;
}

export interface Approval {
  decision: "approved" | "denied";
  reason: string;
  approver?: string;
  decided_at: string;
}

export interface OkrRun {
  id: string;
  okr_id: string;
  name: string;
  status: RunStatus;
  relay_checkpoint_id?: string;
  session_id?: string;
  /** Progress of each key result, 0–1, by kr id. */
  kr_progress: Record<string, number>;
  approval?: Approval;
  outcomes: KrOutcome[];
  /** Relay turns completed. */
  iterations: number;
  /** US dollars spent by the run's model calls, when the model's prices are known. */
  cost: number;
  started_at: string;
  completed_at?: string;
}

/** A key result's progress towards its target, 0–1. */
export function krProgress(kr: Pick<KeyResult, "current_value" | "target_value">): number {
  if (kr.target_value <= 0) return 0;
  return Math.max(0, Math.min(1, kr.current_value / kr.target_value));
}
