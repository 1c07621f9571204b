import { UserError } from "../contracts/errors.ts";
import { continueAutochat } from "../relay/autochat.ts";
import type { RelayCheckpoint } from "../relay/checkpoint.ts";
import { executeGoRun, runCheckpoint, type GoServices } from "./go-run.ts";
import type { OkrRun } from "./model.ts";
import type { OkrService } from "./service.ts";
import { checkRunTransition } from "./validation.ts";

export type Resumable =
  { kind: "run"; run: OkrRun; checkpoint: RelayCheckpoint } | { kind: "relay"; checkpoint: RelayCheckpoint };

/**
 * What `id` names: an OKR run (whose status rules decide whether it may run: never approved is
 * not_approved, finished is an invalid transition) or an /autochat relay that has not ended.
 */
export async function findResumable(service: OkrService, id: string): Promise<Resumable> {
  const run = await service.store.getRun(id);
  if (run) {
    // Checked, not written: the run is marked running once it runs (a resume that fails to start, say on
    // an unknown model, must leave it paused).
    checkRunTransition(run, "running");
    return { kind: "run", run, checkpoint: await runCheckpoint(service, run) };
  }
  const checkpoint = await service.store.getCheckpoint(id);
  if (!checkpoint || checkpoint.okr_run_id)
    throw new UserError(`run not found: ${id} (see: codetether okr runs --id OKR)`);
  if (checkpoint.status !== "running")
    throw new UserError(`relay ${checkpoint.relay_id} is already ${checkpoint.status}`);
  return { kind: "relay", checkpoint };
}

/** Continues what findResumable found at the turn after its checkpoint. */
export async function resume(
  services: GoServices,
  found: Resumable,
): Promise<{ run?: OkrRun; checkpoint: RelayCheckpoint }> {
  if (found.kind === "relay")
    return { checkpoint: await continueAutochat(services, services.service.store, found.checkpoint) };
  const run = await executeGoRun(services, found.run.id);
  return { run, checkpoint: (await services.service.store.getCheckpoint(found.checkpoint.relay_id))! };
}

/** OKR runs of this workspace that stopped mid-relay (killed or interrupted), oldest first: what a front end offers to resume. */
export async function interruptedRuns(
  service: OkrService,
  workspace: string,
): Promise<Array<{ run: OkrRun; checkpoint: RelayCheckpoint }>> {
  const found: Array<{ run: OkrRun; checkpoint: RelayCheckpoint }> = [];
  for (const run of await service.store.listRuns()) {
    if (run.status !== "running" && run.status !== "paused") continue;
    const checkpoint = run.relay_checkpoint_id ? await service.store.getCheckpoint(run.relay_checkpoint_id) : undefined;
    if (checkpoint && checkpoint.workspace === workspace) found.push({ run, checkpoint });
  }
  return found;
}
