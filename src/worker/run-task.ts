import { prepareAgent } from "../app/agent-factory.ts";
import type { AgentServices } from "../app/agent-factory.ts";
import { isLiveEvent, type AgentEvent } from "../contracts/agent-events.ts";
import type { BusHandle } from "../bus/index.ts";
import type { Config } from "../config/schema.ts";
import { sameWorkspace } from "../control-plane/matching.ts";
import type { Claim } from "../control-plane/types.ts";
import { autoApproveAsk, type AutoApprove } from "../permission/auto-approve.ts";
import { errorMessage } from "../contracts/errors.ts";
import type { ReleaseBody } from "./client.ts";

export interface TaskRunSetup {
  config: Config;
  dataDir: string;
  workspaces: string[];
  autoApprove: AutoApprove;
  /** The task's agent on the worker's bus: its events go out on `agent.{id}.events`, progress on `task.{id}`. */
  handle: BusHandle;
  /** The worker's services its tasks' agents share (its durable-log writer, language servers, peers). */
  services: Omit<AgentServices, "bus">;
  /** Every event, in order (the output sender streams them to the control plane). */
  emit(event: AgentEvent): void;
  signal: AbortSignal;
  warn(message: string): void;
}

/** The outcome of a run, as released; `aborted` runs are turned into a release by the caller (it knows why). */
export type RunOutcome = Pick<ReleaseBody, "status" | "result" | "error" | "session_id"> & { aborted: boolean };

/** Runs a claimed task with the agent core in the workspace it names (else the worker's first one). */
export async function runClaimedTask(claim: Claim, setup: TaskRunSetup): Promise<RunOutcome> {
  const { task } = claim;
  const workspace =
    (task.workspace && setup.workspaces.find((w) => sameWorkspace(w, task.workspace!))) || setup.workspaces[0]!;
  const progress = (state: string, detail?: Record<string, unknown>) =>
    setup.handle.publishTaskUpdate(task.id, { state, run_id: claim.run_id, ...detail });
  progress("working", { workspace, attempt: claim.attempt });

  let prepared: Awaited<ReturnType<typeof prepareAgent>>;
  try {
    prepared = await prepareAgent({
      config: setup.config,
      dataDir: setup.dataDir,
      workspace,
      modelRef: task.model,
      agent: task.agent,
      sessionId: task.resume_session,
      newIfMissing: true,
      ask: autoApproveAsk(setup.autoApprove),
      onWarning: setup.warn,
      services: { ...setup.services, bus: setup.handle },
    });
  } catch (error) {
    const message = errorMessage(error);
    setup.emit({ type: "error", message });
    progress("failed", { error: message });
    return { status: "failed", error: message, aborted: false };
  }

  // What the control plane streams to the task's client; stored messages stay in the session and the log.
  const emit = (event: AgentEvent) => isLiveEvent(event) && setup.emit(event);
  let finish: Extract<AgentEvent, { type: "finish" }> | undefined;
  let lastError: string | undefined;
  try {
    for await (const event of prepared.run(task.prompt, { signal: setup.signal })) {
      emit(event);
      if (event.type === "error") lastError = event.message;
      if (event.type === "finish") finish = event;
    }
  } catch (error) {
    lastError = errorMessage(error);
    emit({ type: "error", message: lastError });
  } finally {
    await prepared.close();
  }

  const session_id = prepared.session.id;
  const aborted = finish?.reason === "aborted" || (!finish && setup.signal.aborted);
  if (finish?.reason === "stop") {
    progress("completed");
    return { status: "completed", result: finish.text, session_id, aborted: false };
  }
  const error = lastError ?? (finish ? `the run ended: ${finish.reason}` : "the run ended without a result");
  progress(aborted ? "aborted" : "failed", { error });
  return { status: "failed", error, result: finish?.text || undefined, session_id, aborted };
}
