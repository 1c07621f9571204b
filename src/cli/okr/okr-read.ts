import { UserError } from "../../contracts/errors.ts";
import { OKR_STATUSES, type Okr, type OkrRun, type OkrStatus } from "../../okr/model.ts";
import type { OkrService } from "../../okr/service.ts";
import type { RelayCheckpoint } from "../../relay/checkpoint.ts";
import { painter, printJson } from "../output.ts";
import { averageProgress, formatKeyResult, formatOkrLine, formatReport, formatRunLine } from "./okr-format.ts";
import { withOkrService } from "./okr-service.ts";

const out = (text: string) => process.stdout.write(text);

async function okrWithRuns(service: OkrService, id: string): Promise<{ okr: Okr; runs: OkrRun[] }> {
  const okr = await service.okr(id);
  return { okr, runs: await service.store.listRuns(okr.id) };
}

export async function listOkrs(options: { status?: string; json?: boolean }): Promise<void> {
  if (options.status && !OKR_STATUSES.includes(options.status as OkrStatus))
    throw new UserError(`unknown status '${options.status}' (one of: ${OKR_STATUSES.join(", ")})`, 2);
  const status = options.status as OkrStatus | undefined;
  const okrs = await withOkrService((service) => service.store.listOkrs({ status }));
  if (options.json) return printJson(okrs);
  if (okrs.length === 0)
    return void out('no objectives (create one: codetether okr create, or codetether run "/go TASK")\n');
  const paint = painter(process.stdout);
  for (const okr of okrs) out(`${formatOkrLine(okr, paint)}\n`);
}

export async function okrStatus(options: { id: string; json?: boolean }): Promise<void> {
  const { okr, runs } = await withOkrService((service) => okrWithRuns(service, options.id));
  const latest = runs.at(-1);
  if (options.json) return printJson({ ...okr, latest_run: latest ?? null });
  const paint = painter(process.stdout);
  out(`${formatOkrLine(okr, paint)}\n`);
  for (const kr of okr.key_results) out(`${formatKeyResult(kr, paint)}\n`);
  if (latest) out(`latest run: ${formatRunLine(latest, paint)}\n`);
}

export async function okrRuns(options: { id: string; json?: boolean }): Promise<void> {
  const { runs } = await withOkrService((service) => okrWithRuns(service, options.id));
  if (options.json) return printJson(runs);
  if (runs.length === 0) return void out("no runs\n");
  const paint = painter(process.stdout);
  for (const run of runs) out(`${formatRunLine(run, paint)}\n`);
}

export async function okrReport(options: { id: string; json?: boolean }): Promise<void> {
  const { okr, runs } = await withOkrService((service) => okrWithRuns(service, options.id));
  if (options.json) return printJson({ okr, runs, cost: runs.reduce((sum, run) => sum + run.cost, 0) });
  out(formatReport(okr, runs, painter(process.stdout)));
}

/** The objective with everything that belongs to it, as one JSON document (always JSON). */
export async function okrExport(options: { id: string }): Promise<void> {
  const { okr, runs, checkpoints } = await withOkrService(async (service) => {
    const { okr, runs } = await okrWithRuns(service, options.id);
    const checkpoints: RelayCheckpoint[] = [];
    for (const run of runs) {
      const checkpoint = run.relay_checkpoint_id && (await service.store.getCheckpoint(run.relay_checkpoint_id));
      if (checkpoint) checkpoints.push(checkpoint);
    }
    return { okr, runs, checkpoints };
  });
  process.stdout.write(`${JSON.stringify({ okr, runs, relay_checkpoints: checkpoints }, null, 2)}\n`);
}

export async function okrStats(options: { json?: boolean }): Promise<void> {
  const { okrs, runs } = await withOkrService(async ({ store }) => ({
    okrs: await store.listOkrs(),
    runs: await store.listRuns(),
  }));
  const count = <T extends string>(values: T[]) =>
    values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});
  const stats = {
    okrs: okrs.length,
    by_status: count(okrs.map((okr) => okr.status)),
    key_results: okrs.reduce((sum, okr) => sum + okr.key_results.length, 0),
    average_kr_progress: averageProgress(okrs),
    runs: runs.length,
    runs_by_status: count(runs.map((run) => run.status)),
    cost: runs.reduce((sum, run) => sum + run.cost, 0),
  };
  if (options.json) return printJson(stats);
  const statuses = (by: Record<string, number>) =>
    Object.entries(by)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ") || "none";
  out(
    [
      `objectives: ${stats.okrs} (${statuses(stats.by_status)})`,
      `key results: ${stats.key_results}, average progress ${Math.round(stats.average_kr_progress * 100)}%`,
      `runs: ${stats.runs} (${statuses(stats.runs_by_status)})`,
      `cost: $${stats.cost.toFixed(4)}`,
    ].join("\n") + "\n",
  );
}
