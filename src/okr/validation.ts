import { UserError } from "../contracts/errors.ts";
import type { KeyResult, Okr, OkrRun, OkrStatus, RunStatus } from "./model.ts";

export type OkrErrorCode =
  | "empty_title"
  | "no_key_results"
  | "empty_key_result_title"
  | "invalid_target_value"
  | "empty_run_name"
  | "invalid_status_transition"
  | "not_approved";

/** A rule of the OKR model broken: one line for the user, with a code for scripts (`--json`). */
export class OkrValidationError extends UserError {
  constructor(
    readonly code: OkrErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export function validateOkr(
  okr: Pick<Okr, "title"> & { key_results: Pick<KeyResult, "title" | "target_value">[] },
): void {
  if (!okr.title.trim()) throw new OkrValidationError("empty_title", "an objective needs a title");
  if (okr.key_results.length === 0)
    throw new OkrValidationError("no_key_results", "an objective needs at least one key result");
  okr.key_results.forEach((kr, i) => {
    if (!kr.title.trim()) throw new OkrValidationError("empty_key_result_title", `key result ${i + 1} has no title`);
    if (!Number.isFinite(kr.target_value) || kr.target_value <= 0)
      throw new OkrValidationError(
        "invalid_target_value",
        `key result '${kr.title}' needs a positive target value (got ${kr.target_value})`,
      );
  });
}

export function validateRun(run: Pick<OkrRun, "name">): void {
  if (!run.name.trim()) throw new OkrValidationError("empty_run_name", "a run needs a name");
}

const OKR_TRANSITIONS: Record<OkrStatus, OkrStatus[]> = {
  draft: ["active", "on_hold", "cancelled"],
  active: ["completed", "on_hold", "cancelled"],
  on_hold: ["active", "cancelled"],
  completed: [],
  cancelled: [],
};

const RUN_TRANSITIONS: Record<RunStatus, RunStatus[]> = {
  draft: ["pending_approval", "cancelled"],
  pending_approval: ["approved", "denied", "cancelled"],
  approved: ["running", "cancelled"],
  running: ["paused", "waiting_approval", "completed", "failed", "cancelled"],
  paused: ["running", "failed", "cancelled"],
  waiting_approval: ["running", "denied", "cancelled"],
  completed: [],
  failed: [],
  denied: [],
  cancelled: [],
};

export function checkOkrTransition(okr: Pick<Okr, "id" | "status">, to: OkrStatus): void {
  if (okr.status === to) return;
  if (!OKR_TRANSITIONS[okr.status].includes(to))
    throw new OkrValidationError(
      "invalid_status_transition",
      `objective ${okr.id} cannot go from ${okr.status} to ${to}`,
    );
}

/** A run may only start once approved; any other move must be in the transition table. */
export function checkRunTransition(run: Pick<OkrRun, "id" | "status" | "approval">, to: RunStatus): void {
  if (to === "running" && run.approval?.decision !== "approved")
    throw new OkrValidationError(
      "not_approved",
      `run ${run.id} has not been approved (codetether okr approve --run ${run.id})`,
    );
  if (run.status === to) return;
  if (!RUN_TRANSITIONS[run.status].includes(to))
    throw new OkrValidationError("invalid_status_transition", `run ${run.id} cannot go from ${run.status} to ${to}`);
}
