import type { AuditInput } from "../../audit/audit-record.ts";
import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { SessionRecorder } from "../../durable-logs/recorder.ts";
import { cancelRun, decideRun, executeGoRun, runCheckpoint, type GoServices } from "../../okr/go-run.ts";
import { findResumable, resume } from "../../okr/resume.ts";
import { painter, printJson } from "../output.ts";
import { openOrchestrator, type OrchestratorOptions } from "./orchestrator.ts";
import { withOkrService } from "./okr-service.ts";
import { printRelaySummary, printRunSummary } from "./run-summary.ts";
import { relayLockDir } from "../../relay/relay-lock.ts";

export interface ContinueOptions extends OrchestratorOptions {
  run: string;
  reason?: string;
}

/** `okr approve --run ID`: the gate says yes, and the run executes (in the workspace it was drafted in). */
export async function approveRun(options: ContinueOptions): Promise<void> {
  const run = await withOkrService((service) => service.run(options.run), options.config);
  await execute(options, run.id, async (services) => {
    await decideRun(services, run.id, "approved", options.reason);
  });
}

/** `okr deny --run ID`: the gate says no (audited); the objective is cancelled. */
export async function denyRun(options: ContinueOptions): Promise<void> {
  const recorder = await SessionRecorder.openFor(dataDir(), loadConfig(options.config).config).catch(() => undefined);
  let run;
  try {
    const audit = recorder ? (input: AuditInput) => recorder.recordAudit(input) : undefined;
    run = await withOkrService(
      (service) => decideRun({ service, audit }, options.run, "denied", options.reason ?? "denied"),
      options.config,
    );
  } finally {
    await recorder?.close();
  }
  if (options.json) return printJson(run);
  process.stdout.write(`${painter(process.stdout)("cyan", run.id)} denied\n`);
}

/** `okr cancel --run ID`: gives up a paused or interrupted run (or one at the gate); it is no longer offered to resume. */
export async function cancelRunAction(options: ContinueOptions): Promise<void> {
  const recorder = await SessionRecorder.openFor(dataDir(), loadConfig(options.config).config).catch(() => undefined);
  let run;
  try {
    const audit = recorder ? (input: AuditInput) => recorder.recordAudit(input) : undefined;
    const lockDir = relayLockDir(dataDir());
    run = await withOkrService((service) => cancelRun({ service, audit, lockDir }, options.run), options.config);
  } finally {
    await recorder?.close();
  }
  if (options.json) return printJson(run);
  process.stdout.write(`${painter(process.stdout)("cyan", run.id)} cancelled\n`);
}

/**
 * `okr resume --run ID`: an OKR run (paused, or left running by a killed process) or an /autochat relay
 * (by its relay id) continues at the turn after its checkpoint.
 */
export async function resumeRun(options: ContinueOptions): Promise<void> {
  const found = await withOkrService((service) => findResumable(service, options.run), options.config);
  if (found.kind === "run") return execute(options, found.run.id);
  const { checkpoint } = found;
  const orchestrator = await openOrchestrator({
    ...options,
    workspace: checkpoint.workspace,
    model: options.model ?? checkpoint.model,
  });
  try {
    printRelaySummary((await resume(orchestrator.services, found)).checkpoint, options.json);
  } finally {
    await orchestrator.close();
  }
}

async function execute(
  options: ContinueOptions,
  runId: string,
  before?: (services: GoServices) => Promise<void>,
): Promise<void> {
  const { run, checkpoint } = await withOkrService(async (service) => {
    const run = await service.run(runId);
    return { run, checkpoint: await runCheckpoint(service, run) };
  }, options.config);
  const orchestrator = await openOrchestrator({
    ...options,
    workspace: checkpoint.workspace,
    model: options.model ?? checkpoint.model,
    sessionId: run.session_id,
  });
  try {
    await before?.(orchestrator.services);
    await printRunSummary(
      orchestrator.services.service,
      await executeGoRun(orchestrator.services, runId),
      options.json,
    );
  } catch (error) {
    if (!orchestrator.interrupted) throw error;
    process.stderr.write(`codetether: interrupted; resume with: codetether okr resume --run ${runId}\n`);
    process.exitCode = 130;
  } finally {
    await orchestrator.close();
  }
}
