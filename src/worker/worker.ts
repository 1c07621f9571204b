import { hostname } from "node:os";
import type { AgentServices } from "../app/agent-factory.ts";
import { setTimeout as sleep } from "node:timers/promises";
import type { AgentBus, AgentRegistry } from "../bus/index.ts";
import type { Config } from "../config/schema.ts";
import type { Claim, TaskRecord } from "../control-plane/types.ts";
import { errorMessage } from "../contracts/errors.ts";
import { Backoff } from "./backoff.ts";
import { ControlPlaneClient, HttpStatusError, isRetryable, type ReleaseBody } from "./client.ts";
import { cognitionSourceToken, readCognition } from "./cognition.ts";
import type { WorkerOptions } from "./options.ts";
import { OutputSender } from "./output-sender.ts";
import type { ProbeStatus } from "./probe-server.ts";
import { runClaimedTask, type RunOutcome } from "./run-task.ts";
import { WorkerState } from "./state.ts";
import { TaskStream } from "./task-stream.ts";

/** Why a run was stopped early; it decides what the release says. */
type StopReason = "cancelled" | "timed-out" | "shutdown" | "claim-lost";

interface RunningTask {
  claim: Claim;
  controller: AbortController;
  stopReason?: StopReason;
}

export interface WorkerDeps {
  options: WorkerOptions;
  config: Config;
  dataDir: string;
  bus: AgentBus;
  registry: AgentRegistry;
  /** Shared by its tasks' agents: the writer of the durable logs (each would take a writer slot), language servers. */
  services: Omit<AgentServices, "bus">;
  log(message: string): void;
}

/**
 * The worker loop: register, follow the task stream, claim offered tasks up to the concurrency limit,
 * run each with the agent core, stream its events back and release it with the result; heartbeat all
 * along. The stream cursor only moves past offers that were handled, so a restart never skips one.
 */
export class Worker {
  readonly state: WorkerState;
  readonly client: ControlPlaneClient;
  readonly agentName: string;
  registered = false;
  connected = false;
  /** Offered, not yet tried: task id → offer sequence number. */
  readonly #backlog = new Map<string, { seq: number; task: TaskRecord }>();
  readonly #claiming = new Map<string, number>();
  readonly #running = new Map<string, RunningTask>();
  #lastSeq: number;
  #stopping = false;
  #abandoned = false;
  #stream: TaskStream | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  readonly #stopped: Promise<void>;
  #markStopped!: () => void;
  #fatal: string | undefined;
  #registering: Promise<void> | undefined;

  constructor(private readonly deps: WorkerDeps) {
    const { options } = deps;
    this.state = new WorkerState(deps.dataDir, options.name);
    this.#lastSeq = this.state.cursor;
    this.client = new ControlPlaneClient(options.server, options.token, this.state.workerId);
    this.agentName = options.name;
    this.#stopped = new Promise((resolve) => (this.#markStopped = resolve));
  }

  /** Registers (retrying until serve answers), then starts heartbeats and the task stream. */
  async start(): Promise<void> {
    this.deps.registry.register({
      name: this.agentName,
      description: "CodeTether worker",
      url: this.deps.options.server,
      skills: [],
    });
    await this.#registerUntilDone();
    if (this.#stopping) return;
    this.#heartbeatTimer = setInterval(() => void this.heartbeat(), this.deps.options.heartbeatIntervalMs);
    void this.heartbeat();
    this.#stream = new TaskStream(this.client, {
      cursor: () => this.#cursor(),
      offer: (seq, task) => this.#offered(seq, task),
      connected: () => {
        if (!this.connected) this.deps.log(`task stream connected (resuming after event ${this.#cursor()})`);
        this.connected = true;
      },
      disconnected: (reason) => {
        if (this.connected) this.deps.log(`task stream lost (${reason}); reconnecting`);
        this.connected = false;
      },
      unknownWorker: () => this.#registerUntilDone(),
      fatal: (message) => this.#fail(message),
    });
  }

  /** Resolves when the worker has stopped; rejects with the reason when it had to give up. */
  async finished(): Promise<void> {
    await this.#stopped;
    if (this.#fatal) throw new Error(this.#fatal);
  }

  status(): ProbeStatus {
    return {
      registered: this.registered,
      connected: this.connected,
      worker_id: this.state.workerId,
      heartbeat: { status: this.#status(), active_tasks: this.#running.size, agent_name: this.agentName },
    };
  }

  /** `POST /task` on the probe server: look for work now. */
  wake(): void {
    this.#stream?.wake();
    this.#pump();
  }

  async heartbeat(): Promise<void> {
    if (!this.registered) return;
    const subAgents = this.deps.registry
      .list()
      .filter((card) => !card.remote && card.name !== this.agentName)
      .map((card) => ({ name: card.name, url: card.url }));
    const { cognition: sharing, server, token } = this.deps.options;
    const cognition = await readCognition(sharing, cognitionSourceToken(sharing.sourceUrl, server, token));
    try {
      const answer = await this.client.heartbeat({
        status: this.#status(),
        active_tasks: this.#running.size,
        agent_name: this.agentName,
        sub_agents: subAgents,
        ...(cognition ? { cognition: { ...cognition } } : {}),
      });
      for (const taskId of answer.cancel_task_ids) this.#stopRun(taskId, "cancelled");
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 404) await this.#registerUntilDone();
      // Otherwise serve is unreachable: the next beat tries again, and the stream reconnects on its own.
    }
  }

  /**
   * Stops claiming, lets running tasks finish for the grace period, gives the rest back to the queue,
   * then stops heartbeats and the stream. A second call (a second signal) skips the grace period.
   */
  async stop(): Promise<void> {
    if (this.#stopping) {
      // A second signal: no more waiting for an unreachable serve either (its lease sweep requeues the tasks).
      this.#abandoned = true;
      for (const id of this.#running.keys()) this.#stopRun(id, "shutdown");
      return this.#stopped;
    }
    // The backlog stays: its offers hold the saved cursor back, so a restarted worker sees them again.
    this.#stopping = true;
    this.deps.log(this.#running.size ? `stopping: waiting for ${this.#running.size} running task(s)` : "stopping");
    void this.heartbeat();
    const deadline = Date.now() + this.deps.options.shutdownGraceMs;
    while (this.#running.size > 0 && Date.now() < deadline) await sleep(100);
    for (const id of this.#running.keys()) this.#stopRun(id, "shutdown");
    while (this.#running.size > 0) await sleep(50);
    clearInterval(this.#heartbeatTimer);
    clearTimeout(this.#retryTimer);
    await this.#stream?.stop();
    this.state.release();
    this.#markStopped();
  }

  #status(): "idle" | "processing" | "stopping" {
    return this.#stopping ? "stopping" : this.#running.size > 0 ? "processing" : "idle";
  }

  /** Registers (see #register); a heartbeat and the stream asking at once share one registration. */
  #registerUntilDone(): Promise<void> {
    this.#registering ??= this.#register().finally(() => (this.#registering = undefined));
    return this.#registering;
  }

  async #register(): Promise<void> {
    const backoff = new Backoff(250, 10_000);
    const { options } = this.deps;
    while (!this.#stopping) {
      try {
        await this.client.register({
          worker_id: this.state.workerId,
          name: options.name,
          hostname: hostname(),
          capabilities: options.capabilities,
          workspaces: options.workspaces,
          max_concurrent_tasks: options.maxConcurrentTasks,
          // Claims in flight too: serve releases the worker's claims it does not name.
          running_task_ids: [...this.#running.keys(), ...this.#claiming.keys()],
        });
        if (!this.registered) this.deps.log(`registered with ${options.server} as ${this.state.workerId}`);
        this.registered = true;
        return;
      } catch (error) {
        if (!isRetryable(error)) return this.#fail(`registration refused: ${errorMessage(error)}`);
        this.deps.log(`cannot reach ${options.server} (${errorMessage(error)}); retrying`);
        await backoff.wait();
      }
    }
  }

  #fail(message: string): void {
    this.#fatal ??= message;
    void this.stop();
  }

  #offered(seq: number, task: TaskRecord): void {
    if (this.#stopping) return;
    this.#lastSeq = Math.max(this.#lastSeq, seq);
    if (!this.#running.has(task.id) && !this.#claiming.has(task.id)) this.#backlog.set(task.id, { seq, task });
    this.#saveCursor();
    this.#pump();
  }

  /** The last event id all of whose offers were handled: below any offer still waiting or being claimed. */
  #cursor(): number {
    const waiting = [...[...this.#backlog.values()].map((offer) => offer.seq), ...this.#claiming.values()];
    return waiting.length ? Math.min(...waiting) - 1 : this.#lastSeq;
  }

  #saveCursor(): void {
    this.state.cursor = this.#cursor();
  }

  /** Claims backlog offers, oldest first, while there is room. */
  #pump(): void {
    while (
      !this.#stopping &&
      this.#backlog.size > 0 &&
      this.#running.size + this.#claiming.size < this.deps.options.maxConcurrentTasks
    ) {
      const [taskId, offer] = [...this.#backlog.entries()].reduce((a, b) => (b[1].seq < a[1].seq ? b : a));
      this.#backlog.delete(taskId);
      this.#claiming.set(taskId, offer.seq);
      void this.#claim(offer);
    }
  }

  async #claim(offer: { seq: number; task: TaskRecord }): Promise<void> {
    const taskId = offer.task.id;
    try {
      const claim = await this.client.claim(taskId);
      this.#claiming.delete(taskId);
      if (this.#stopping) {
        await this.#release({ task_id: taskId, run_id: claim.run_id, status: "pending" });
      } else {
        void this.#run(claim);
      }
    } catch (error) {
      this.#claiming.delete(taskId);
      if (isRetryable(error)) {
        // Serve is unreachable: keep the offer (it holds the cursor back) and try again shortly.
        this.#backlog.set(taskId, offer);
        clearTimeout(this.#retryTimer);
        this.#retryTimer = setTimeout(() => this.#pump(), 1000);
        this.#retryTimer.unref();
      }
      // 409 (another worker holds it, or it is done) and 404 (gone): nothing to do.
    } finally {
      this.#saveCursor();
      this.#pump();
    }
  }

  async #run(claim: Claim): Promise<void> {
    const { task } = claim;
    const running: RunningTask = { claim, controller: new AbortController() };
    this.#running.set(task.id, running);
    this.deps.log(`task ${task.id}: claimed (attempt ${claim.attempt})`);
    const timeout = setTimeout(() => this.#stopRun(task.id, "timed-out"), claim.timeout_ms);
    const sender = new OutputSender(this.client, task.id, claim.run_id, {
      onCancel: () => this.#stopRun(task.id, "cancelled"),
      abandoned: () => this.#abandoned,
      onClaimLost: (message) => {
        this.deps.log(`task ${task.id}: claim lost (${message}); stopping the run`);
        this.#stopRun(task.id, "claim-lost");
      },
    });
    const { handle } = this.deps.registry.spawnEphemeral(`task-${task.id}`, {
      description: `worker task ${task.id}`,
      correlation: { task_id: task.id },
    });
    try {
      const outcome = await runClaimedTask(claim, {
        config: this.deps.config,
        dataDir: this.deps.dataDir,
        workspaces: this.deps.options.workspaces,
        autoApprove: this.deps.options.autoApprove,
        handle,
        services: this.deps.services,
        emit: (event) => sender.push(event),
        signal: running.controller.signal,
        warn: (message) => this.deps.log(`task ${task.id}: warning: ${message}`),
      });
      await sender.drain();
      if (running.stopReason === "claim-lost") return;
      const release = releaseOf(claim, outcome, running.stopReason);
      await this.#release(release);
      this.deps.log(`task ${task.id}: ${release.status === "pending" ? "given back to the queue" : release.status}`);
    } finally {
      clearTimeout(timeout);
      handle.close();
      this.#running.delete(task.id);
      this.#pump();
    }
  }

  #stopRun(taskId: string, reason: StopReason): void {
    const running = this.#running.get(taskId);
    if (!running || running.controller.signal.aborted) return;
    running.stopReason = reason;
    running.controller.abort(new Error(reason));
  }

  /** Releases, retrying while serve is unreachable: a finished result must not be lost to a restart. */
  async #release(body: ReleaseBody): Promise<void> {
    const backoff = new Backoff(250, 5000);
    for (;;) {
      try {
        await this.client.release(body);
        return;
      } catch (error) {
        if (!isRetryable(error)) return this.deps.log(`task ${body.task_id}: release refused: ${errorMessage(error)}`);
        if (this.#abandoned)
          return this.deps.log(
            `task ${body.task_id}: not released (serve unreachable); it is requeued when its lease expires`,
          );
        await backoff.wait();
      }
    }
  }
}

/** What to release after a run: its outcome, unless it was stopped early (then the reason decides). */
function releaseOf(claim: Claim, outcome: RunOutcome, stopReason: StopReason | undefined): ReleaseBody {
  const { aborted, ...result } = outcome;
  const base = { task_id: claim.task.id, run_id: claim.run_id, session_id: outcome.session_id };
  if (aborted && stopReason === "shutdown") return { ...base, status: "pending" };
  if (aborted && stopReason === "cancelled")
    return { ...base, status: "cancelled", error: "cancelled", result: outcome.result };
  if (aborted && stopReason === "timed-out")
    return {
      ...base,
      status: "failed",
      error: `timed out after ${Math.round(claim.timeout_ms / 1000)} s`,
      result: outcome.result,
    };
  return { ...base, ...result };
}
