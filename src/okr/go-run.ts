import { randomUUID } from "node:crypto";
import type { SessionInfo } from "../session/store.ts";
import { UserError } from "../contracts/errors.ts";
import { newCheckpoint, type RelayAgent, type RelayCheckpoint } from "../relay/checkpoint.ts";
import { RelayTurnError, runRelay } from "../relay/engine.ts";
import { holdRelayEverywhere } from "../relay/relay-lock.ts";
import { baseHooks, correlate, type RelayServices } from "../relay/relay-services.ts";
import { draftOkr } from "./draft.ts";
import { evaluateKeyResults } from "./evaluate.ts";
import type { Okr, OkrRun } from "./model.ts";
import type { OkrService } from "./service.ts";

export interface GoServices extends RelayServices {
  service: OkrService;
}

export interface Draft {
  okr: Okr;
  run: OkrRun;
  checkpoint: RelayCheckpoint;
}

/**
 * `/go TASK`, first half: the model drafts an objective with key results; it is stored as a draft with a
 * run pending approval and the relay's checkpoint (turn 0), so `okr approve --run` can start it later.
 * `session` is the run's own (drafting and evaluations): by default the prepared agent's.
 */
export async function draftGoRun(
  services: GoServices,
  task: string,
  relay: { agents: RelayAgent[]; rounds: number },
  session: SessionInfo = services.prepared.session,
): Promise<Draft> {
  const { prepared, service } = services;
  // The ids exist before the draft, so that the draft's own records carry them too.
  const ids = { okr_id: randomUUID(), okr_run_id: randomUUID(), relay_id: randomUUID() };
  correlate(services, ids);
  const drafted = await draftOkr(prepared, session, task, services.signal);
  const relayId = ids.relay_id;
  const { okr, run } = await service.store.transaction(async () => {
    const okr = await service.createOkr({ ...drafted.okr, tags: ["go"] }, "draft", ids.okr_id);
    const run = await service.createRun(okr.id, task, {
      id: ids.okr_run_id,
      relay_checkpoint_id: relayId,
      session_id: session.id,
    });
    return { okr, run: (await service.store.getRun(run.id))! };
  });
  const checkpoint = newCheckpoint({
    relay_id: relayId,
    okr_id: okr.id,
    okr_run_id: run.id,
    task,
    workspace: prepared.session.directory,
    model: prepared.model.ref,
    agents: relay.agents,
    max_rounds: relay.rounds,
    cost: drafted.cost,
  });
  await service.store.saveCheckpoint(checkpoint);
  await service.store.updateRun({ ...run, cost: drafted.cost });
  correlate(services, checkpoint);
  return { okr, run: await service.run(run.id), checkpoint };
}

/** The approval gate's decision on a run, audited (actor `user`) with the run's ids. */
export async function decideRun(
  services: Pick<GoServices, "service" | "audit">,
  runId: string,
  decision: "approved" | "denied",
  reason = "",
): Promise<OkrRun> {
  const run = await services.service.decide(runId, decision, reason, "user");
  services.audit?.({
    actor: "user",
    action: decision === "approved" ? "okr.approve" : "okr.deny",
    resource: `okr_run/${run.id}`,
    status: decision,
    okr_id: run.okr_id,
    okr_run_id: run.id,
    relay_id: run.relay_checkpoint_id ?? null,
    session_id: run.session_id ?? null,
    details: { reason },
  });
  return run;
}

/**
 * `okr cancel`: gives up a run that will not be resumed (paused, left running by a killed process, or
 * still at the gate), audited; refused while a process runs its relay (stop that one instead).
 */
export async function cancelRun(
  services: Pick<GoServices, "service" | "audit" | "lockDir">,
  runId: string,
): Promise<OkrRun> {
  const { service } = services;
  const run = await service.run(runId);
  if (run.status === "cancelled") throw new UserError(`run ${run.id} is already cancelled`);
  const release = run.relay_checkpoint_id
    ? await holdRelayEverywhere(service.store, services.lockDir, run.relay_checkpoint_id)
    : async () => {};
  try {
    const cancelled = await service.store.transaction(async () => {
      const updated = await service.setRunStatus(runId, "cancelled");
      // Given up at the gate: its objective never starts, as a denial would leave it.
      const okr = await service.okr(run.okr_id);
      if (okr.status === "draft") await service.setOkrStatus(okr.id, "cancelled");
      return updated;
    });
    services.audit?.({
      actor: "user",
      action: "okr.cancel",
      resource: `okr_run/${run.id}`,
      status: "cancelled",
      okr_id: run.okr_id,
      okr_run_id: run.id,
      relay_id: run.relay_checkpoint_id ?? null,
      session_id: run.session_id ?? null,
    });
    return cancelled;
  } finally {
    await release();
  }
}

/** The relay checkpoint a run continues from. */
export async function runCheckpoint(service: OkrService, run: OkrRun): Promise<RelayCheckpoint> {
  const checkpoint = run.relay_checkpoint_id ? await service.store.getCheckpoint(run.relay_checkpoint_id) : undefined;
  if (!checkpoint) throw new UserError(`run ${run.id} has no relay checkpoint to run from`);
  return checkpoint;
}

/**
 * `/go TASK`, second half (also `okr approve` and `okr resume`): the approved run executes through the
 * relay from its checkpoint; after every turn the key results are evaluated and persisted. A turn that
 * does not finish pauses the run (resumable); the end of the relay completes it with final outcomes.
 */
export async function executeGoRun(services: GoServices, runId: string): Promise<OkrRun> {
  const { service } = services;
  const { relay_id } = await runCheckpoint(service, await service.run(runId));
  const release = await holdRelayEverywhere(service.store, services.lockDir, relay_id);
  try {
    return await executeHeld(services, runId);
  } finally {
    await release();
  }
}

async function executeHeld(services: GoServices, runId: string): Promise<OkrRun> {
  const { service, prepared } = services;
  const run = await service.setRunStatus(runId, "running");
  const checkpoint = await runCheckpoint(service, run);
  correlate(services, checkpoint);
  const okr = await service.okr(run.okr_id);
  try {
    const final = await runRelay(service.store, checkpoint, {
      ...baseHooks(services, checkpoint),
      goal: `Key results to reach:\n${okr.key_results.map((kr) => `- ${kr.title} (target ${kr.target_value}${kr.unit ? ` ${kr.unit}` : ""})`).join("\n")}`,
      evaluate: (current, delta) => evaluateKeyResults(prepared, service, runId, current, delta, services.signal),
    });
    return await service.finish(runId, "completed", { iterations: final.turn, cost: final.cost });
  } catch (error) {
    const latest = await service.run(runId);
    if (latest.status === "running") await service.setRunStatus(runId, "paused");
    if (error instanceof RelayTurnError)
      throw new UserError(`${error.message}; the run is paused: codetether okr resume --run ${runId}`);
    throw error;
  }
}
