import { decideRun, draftGoRun, executeGoRun } from "../../okr/go-run.ts";
import { startAutochat } from "../../relay/autochat.ts";
import { relayPlan } from "../../relay/relay-services.ts";
import { printJson } from "../output.ts";
import { resumeRun } from "./okr-continue.ts";
import { askApproval, showDraft } from "./approval-gate.ts";
import { openOrchestrator, type Orchestrator, type OrchestratorOptions } from "./orchestrator.ts";
import { printRelaySummary, printRunSummary } from "./run-summary.ts";
import type { SlashRun } from "../../relay/slash-args.ts";

/** Exit code of a run left waiting for `okr approve|deny`. */
const PENDING_APPROVAL_EXIT = 3;

export interface SlashRunOptions extends OrchestratorOptions {
  approve?: boolean;
  deny?: boolean;
}

/** `run "/go TASK"` and `run "/autochat [N] TASK"`. */
export async function runSlash(slash: SlashRun, options: SlashRunOptions): Promise<void> {
  if (slash.resume) return resumeRun({ ...options, run: slash.resume });
  const orchestrator = await openOrchestrator(options);
  try {
    if (slash.command === "autochat") await autochat(orchestrator, slash, options);
    else await go(orchestrator, slash, options);
  } catch (error) {
    if (!orchestrator.interrupted) throw error;
    process.stderr.write(`codetether: interrupted; ${(error as Error).message.replace(/^.*?; /, "")}\n`);
    process.exitCode = 130;
  } finally {
    await orchestrator.close();
  }
}

async function autochat({ services }: Orchestrator, slash: SlashRun, options: SlashRunOptions): Promise<void> {
  const final = await startAutochat(services, services.service.store, slash.task, await relayPlan(services, slash));
  printRelaySummary(final, options.json);
}

async function go({ services }: Orchestrator, slash: SlashRun, options: SlashRunOptions): Promise<void> {
  const { service } = services;
  const relay = await relayPlan(services, slash);
  let task = slash.task;
  for (;;) {
    const { okr, run } = await draftGoRun(services, task, relay);
    if (options.json) printJson({ type: "okr.draft", okr, run });
    else showDraft(okr);
    const answer = await askApproval(options);
    if (answer.decision === "pending") {
      if (options.json) printJson({ type: "okr.pending_approval", okr_id: okr.id, run_id: run.id });
      process.stderr.write(
        `waiting for approval: codetether okr approve --run ${run.id} (or: codetether okr deny --run ${run.id})\n`,
      );
      process.exitCode = PENDING_APPROVAL_EXIT;
      return;
    }
    if (answer.decision === "denied") {
      const intent = "newIntent" in answer ? answer.newIntent : undefined;
      const denied = await decideRun(services, run.id, "denied", intent ? `new intent: ${intent}` : "denied");
      if (options.json) printJson({ type: "okr.denied", run: denied });
      if (intent) {
        task = intent;
        continue;
      }
      process.stderr.write(`denied: run ${run.id}\n`);
      return;
    }
    await decideRun(services, run.id, "approved");
    await printRunSummary(service, await executeGoRun(services, run.id), options.json);
    return;
  }
}
