import { decideRun, draftGoRun, executeGoRun, type GoServices } from "../../okr/go-run.ts";
import { krProgress, type Okr, type OkrRun } from "../../okr/model.ts";
import { findResumable, interruptedRuns, resume } from "../../okr/resume.ts";
import { OkrService } from "../../okr/service.ts";
import { openOkrStore } from "../../okr/open-store.ts";
import type { OkrStore } from "../../okr/store.ts";
import { startAutochat } from "../../relay/autochat.ts";
import { describeRelayEvent, turnCount } from "../../relay/describe-event.ts";
import type { RelayAgent } from "../../relay/checkpoint.ts";
import { relayPlan } from "../../relay/relay-services.ts";
import { resolveModel } from "../../provider/resolve.ts";
import type { SlashRun } from "../../relay/slash-args.ts";
import type { TuiSession } from "../session/tui-session.ts";
import type { Orchestration } from "../session/orchestration-run.ts";
import { relayLockDir } from "../../relay/relay-lock.ts";

/** `/go`, `/autochat` and their `--resume` in the TUI: progress in the transcript, the approval gate in the question prompt. */
export function runOrchestration(session: TuiSession, slash: SlashRun): Promise<void> {
  return session.orchestrate(async (orchestration) => {
    const store = await openOkrStore(orchestration.dataDir, session.config);
    try {
      await orchestrate(session, orchestration, goServices(session, orchestration, store), slash);
    } finally {
      await store.close();
    }
  });
}

async function orchestrate(
  session: TuiSession,
  orchestration: Orchestration,
  services: GoServices,
  slash: SlashRun,
): Promise<void> {
  if (slash.resume) {
    const { run, checkpoint } = await resume(services, await findResumable(services.service, slash.resume));
    return session.info(
      run ? await runSummary(services.service, run) : `relay ${checkpoint.status} after ${turnCount(checkpoint.turn)}`,
    );
  }
  const relay = await relayPlan(services, slash);
  if (slash.command === "autochat") {
    const final = await startAutochat(services, services.service.store, slash.task, relay);
    return session.info(`relay ${final.relay_id}: ${final.status} after ${turnCount(final.turn)}`);
  }
  await go(session, orchestration, services, slash.task, relay);
}

/** On start: interrupted OKR runs of this workspace, each with the command that resumes it. */
export async function offerInterruptedRuns(session: TuiSession, dataDir: string): Promise<void> {
  const store = await openOkrStore(dataDir, session.config);
  try {
    for (const { run, checkpoint } of await interruptedRuns(new OkrService(store), session.workspace))
      session.info(
        `interrupted /go run "${run.name}" after turn ${checkpoint.turn} of ${checkpoint.agents.length * checkpoint.max_rounds}: resume it with /go --resume ${run.id}`,
        "warning",
      );
  } finally {
    await store.close();
  }
}

/** The gate: A (or "approve") runs it, D (or "deny") asks for a new intent, other text is the new intent, nothing leaves it pending. */
async function go(
  session: TuiSession,
  orchestration: Orchestration,
  services: GoServices,
  firstTask: string,
  relay: { agents: RelayAgent[]; rounds: number },
): Promise<void> {
  const { prepared } = orchestration;
  const { service } = services;
  let task = firstTask;
  for (;;) {
    const own = prepared.store.create({
      directory: session.workspace,
      model: prepared.model.ref,
      agent: prepared.profile.name,
      title: `okr: ${task}`,
    });
    const { okr, run } = await draftGoRun(services, task, relay, own);
    const answer = (await orchestration.ask(describeDraft(okr), ["approve (A)", "deny (D)"])).trim().toLowerCase();
    if (!answer)
      return session.info(
        `left for approval: codetether okr approve --run ${run.id} (or okr deny --run ${run.id})`,
        "warning",
      );
    if (answer === "a" || answer.startsWith("approve")) {
      await decideRun(services, run.id, "approved");
      return session.info(await runSummary(service, await executeGoRun(services, run.id)));
    }
    const denied = answer === "d" || answer.startsWith("deny");
    const intent = denied ? (await orchestration.ask("New intent for /go (empty to stop)", [])).trim() : answer;
    await decideRun(services, run.id, "denied", intent ? `new intent: ${intent}` : "denied");
    if (!intent) return session.info(`denied: run ${run.id}`);
    task = intent;
  }
}

function goServices(session: TuiSession, orchestration: Orchestration, store: OkrStore): GoServices {
  const { recorder } = orchestration;
  return {
    service: new OkrService(store),
    prepared: orchestration.prepared,
    correlation: orchestration.correlation,
    recordEvent: recorder ? (input) => recorder.recordEvent(input) : undefined,
    audit: recorder ? (input) => recorder.recordAudit(input) : undefined,
    resolveModel: (ref) => resolveModel(ref, session.config),
    lockDir: relayLockDir(orchestration.dataDir),
    signal: orchestration.signal,
    onRelayEvent: (event) => session.info(describeRelayEvent(event)),
  };
}

function describeDraft(okr: Okr): string {
  const krs = okr.key_results.map((kr) => `• ${kr.title} (target ${kr.target_value}${kr.unit ? ` ${kr.unit}` : ""})`);
  return `Approve this OKR? A approves, D denies (or type a new intent).\nObjective: ${okr.title}\n${krs.join("\n")}`;
}

async function runSummary(service: OkrService, run: OkrRun): Promise<string> {
  const okr = await service.okr(run.okr_id);
  const krs = okr.key_results.map((kr) => `${Math.round(krProgress(kr) * 100)}% ${kr.title}`);
  return `/go run ${run.status} after ${turnCount(run.iterations)}: ${krs.join(" · ")} (codetether okr report --id ${okr.id})`;
}
