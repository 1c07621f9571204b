import { resolve } from "node:path";
import { dataDir } from "../../config/paths.ts";
import { loadPrd } from "../../ralph/prd.ts";
import { isRunning, prdIdOf, readStatus, type RalphState } from "../../ralph/status.ts";
import { age, painter, printJson } from "../output.ts";

export interface RalphStatusOptions {
  prd: string;
  json?: boolean;
}

/** `codetether ralph status`: the PRD's stories with their passes and attempts, and the last run's state. */
export function ralphStatusAction(options: RalphStatusOptions): void {
  const path = resolve(options.prd);
  const prd = loadPrd(path);
  const prdId = prdIdOf(path);
  const status = readStatus(dataDir(), prdId);
  // A run that died without recording its end (kill -9) is reported as stopped.
  const interrupted = status?.status === "running" && !isRunning(dataDir(), prdId);
  const state: RalphState | "not_started" = !status ? "not_started" : interrupted ? "stopped" : status.status;
  const stories = prd.user_stories.map((story) => {
    const run = status?.stories[story.id];
    return {
      id: story.id,
      title: story.title,
      passes: story.passes,
      priority: story.priority,
      depends_on: story.depends_on,
      attempts: run?.attempts ?? 0,
      last_result: run?.last_result,
      last_checks: run?.last_checks,
      last_failure: run?.last_failure,
    };
  });
  const passed = stories.filter((s) => s.passes).length;
  if (options.json) {
    printJson({
      prd_id: prdId,
      prd_path: path,
      project: prd.project,
      feature: prd.feature,
      branch_name: prd.branch_name,
      status: state,
      passed,
      total: stories.length,
      iterations: status?.iterations ?? 0,
      current_story: state === "running" ? status?.current_story : undefined,
      last_iteration: status?.last_iteration,
      error: status?.error,
      updated_at: status?.updated_at,
      stories,
    });
    return;
  }
  const paint = painter(process.stdout);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`${prd.project}: ${prd.feature} (branch ${prd.branch_name})`);
  const when = status ? `, ${status.iterations} iterations, updated ${age(Date.parse(status.updated_at))}` : "";
  out(`status: ${state}${interrupted ? " (the run ended without recording it)" : ""}${when}`);
  if (status?.error) out(paint("red", `error: ${status.error}`));
  const last = status?.last_iteration;
  if (last)
    out(`last: iteration ${last.iteration}, ${last.story_id} ${last.outcome}${last.reason ? ` (${last.reason})` : ""}`);
  out(`stories: ${passed}/${stories.length} pass`);
  const passedIds = new Set(stories.filter((s) => s.passes).map((s) => s.id));
  for (const story of stories) {
    const mark = story.passes ? paint("green", "✓") : story.last_result === "failed" ? paint("red", "✗") : "·";
    const notes: string[] = [];
    if (state === "running" && status?.current_story === story.id) notes.push("in progress");
    if (story.attempts) notes.push(`${story.attempts} attempt${story.attempts > 1 ? "s" : ""}`);
    const failedCheck = story.last_checks?.find((c) => !c.passed);
    if (!story.passes && failedCheck) notes.push(`last: ${failedCheck.name} failed`);
    else if (!story.passes && story.last_result === "failed") notes.push(`last: ${story.last_failure?.split("\n")[0]}`);
    const waiting = story.depends_on.filter((id) => !passedIds.has(id));
    if (!story.passes && waiting.length) notes.push(`waits on ${waiting.join(", ")}`);
    out(`  ${mark} ${story.id} ${story.title}${notes.length ? paint("dim", `  (${notes.join("; ")})`) : ""}`);
  }
}
