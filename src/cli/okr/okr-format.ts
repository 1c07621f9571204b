import { krProgress, type KeyResult, type Okr, type OkrRun } from "../../okr/model.ts";
import type { Style } from "../output.ts";

type Paint = (style: Style, text: string) => string;

/** `[######----]  60%`: a key result's progress for the terminal. */
function progressBar(progress: number, width = 20): string {
  const filled = Math.round(Math.max(0, Math.min(1, progress)) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.round(progress * 100)).padStart(3)}%`;
}

export function formatKeyResult(kr: KeyResult, paint: Paint): string {
  const value = `${kr.current_value}/${kr.target_value}${kr.unit ? ` ${kr.unit}` : ""}`;
  return `  ${progressBar(krProgress(kr))}  ${kr.title}  ${paint("dim", `${value} · ${kr.status}`)}`;
}

export function formatOkrLine(okr: Okr, paint: Paint): string {
  const average = averageProgress([okr]);
  return `${paint("cyan", okr.id)}  ${okr.status.padEnd(9)} ${String(Math.round(average * 100)).padStart(3)}%  ${okr.title}`;
}

export function formatRunLine(run: OkrRun, paint: Paint): string {
  const cost = run.cost ? `  $${run.cost.toFixed(4)}` : "";
  return `${paint("cyan", run.id)}  ${run.status.padEnd(16)} ${String(run.iterations).padStart(3)} turns${cost}  ${run.name}`;
}

/** The mean progress of every key result of the objectives (0 when there are none). */
export function averageProgress(okrs: Okr[]): number {
  const krs = okrs.flatMap((okr) => okr.key_results);
  return krs.length ? krs.reduce((sum, kr) => sum + krProgress(kr), 0) / krs.length : 0;
}

/** The whole lifecycle of an objective: its key results with progress, its runs, their outcomes and cost. */
export function formatReport(okr: Okr, runs: OkrRun[], paint: Paint): string {
  const lines = [
    `${paint("bold", okr.title)}  ${paint("dim", `${okr.id} · ${okr.status}`)}`,
    ...(okr.description ? [okr.description] : []),
    "",
    paint("bold", "Key results"),
    ...okr.key_results.map((kr) => formatKeyResult(kr, paint)),
    "",
    paint("bold", `Runs (${runs.length})`),
  ];
  for (const run of runs) {
    lines.push(formatRunLine(run, paint));
    if (run.approval)
      lines.push(
        paint(
          "dim",
          `    ${run.approval.decision} ${run.approval.decided_at}${run.approval.reason ? `: ${run.approval.reason}` : ""}`,
        ),
      );
    for (const outcome of run.outcomes) {
      const kr = okr.key_results.find((k) => k.id === outcome.kr_id);
      lines.push(
        `    ${paint("dim", outcome.created_at)} ${outcome.outcome_type} ${kr?.title ?? outcome.kr_id}: ${outcome.description}`,
      );
    }
  }
  const cost = runs.reduce((sum, run) => sum + run.cost, 0);
  lines.push("", `Total cost: $${cost.toFixed(4)}`);
  return `${lines.join("\n")}\n`;
}
