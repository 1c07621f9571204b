import { TaskState, type Message } from "@a2a-js/sdk";
import { AgentEvent, type AgentExecutionEvent, type AgentExecutor, type ExecutionEventBus, type RequestContext } from "@a2a-js/sdk/server";
import type { FinishReason } from "../agent/events.ts";
import type { BusHandle } from "../bus/bus-handle.ts";
import type { UserContent } from "ai";
import type { Config } from "../config/schema.ts";
import { A2A_TASK_KEY, type TaskDispatcher } from "../control-plane/dispatcher.ts";
import type { TaskInput, TaskRecord } from "../control-plane/types.ts";
import { errorMessage } from "../util/errors.ts";
import { ContextSessions } from "./context-sessions.ts";
import { agentMessage, artifactEvent, dataPart, newTask, statusEvent, textOf, textPart } from "./messages.ts";
import { ProgressPublisher } from "./progress.ts";
import { promptOf } from "./prompt-input.ts";
import { taskAuthorize, taskQuestion } from "./task-permissions.ts";
import { TaskRun } from "./task-run.ts";

export interface ExecutorOptions {
  config: Config;
  dataDir: string;
  workspace: string;
  /** `provider/model`; the config's default when absent. */
  modelRef?: string;
  /** How long a canceled run may take to stop before `canceled` is published regardless. */
  cancelGraceMs?: number;
  /** The server agent's bus handle: local runs publish their events on `agent.{id}.events`. */
  bus?: BusHandle;
  /** Sends tasks to workers when `[server] dispatch` says so (see TaskDispatcher); local runs otherwise. */
  dispatcher?: TaskDispatcher;
}

/**
 * Bridges A2A tasks to the agent core. A task's `contextId` is a session (multi-turn); progress goes
 * out as `working` updates, the answer and changed files as artifacts; permission asks and questions
 * pause the task in `input-required`; CancelTask aborts the model stream and tools and ends `canceled`;
 * failures end `failed` with a readable message. Runs of one context take turns.
 */
export class CodeTetherExecutor implements AgentExecutor {
  private readonly runs = new Map<string, TaskRun>();
  private readonly contextTails = new Map<string, Promise<void>>();
  private readonly sessions: ContextSessions;

  constructor(private readonly options: ExecutorOptions) {
    this.sessions = new ContextSessions(options.dataDir);
  }

  /** Tasks with a live run (working, or paused in input-required). */
  runningTaskIds(): string[] {
    return [...this.runs.keys()];
  }

  execute = async (context: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const live = this.runs.get(context.taskId);
    if (live?.waiting) {
      live.resume(bus, textOf(context.userMessage));
      return live.idle();
    }
    // A message to a task that is still working is recorded in its history; the run goes on.
    if (live) return live.idle();
    const run = new TaskRun(context.taskId, context.contextId, bus);
    if (!context.task) run.publish(AgentEvent.task(newTask(run.taskId, run.contextId, context.userMessage)));
    this.runs.set(run.taskId, run);
    void this.drive(run, context.userMessage).finally(() => this.runs.delete(run.taskId));
    return run.idle();
  };

  cancelTask = async (taskId: string, bus: ExecutionEventBus): Promise<void> => {
    const run = this.runs.get(taskId);
    if (!run) {
      // The SDK waits for a terminal event on this bus, so one must come even without a live run.
      bus.publish(AgentEvent.statusUpdate(statusEvent(taskId, "", TaskState.TASK_STATE_CANCELED)));
      return;
    }
    await this.stop(run, "canceled by the client", bus);
  };

  /** Tasks paused in input-required: the request that paused them has ended, and with it their event bus. */
  waitingTaskIds(): string[] {
    return [...this.runs.values()].filter((run) => run.waiting).map((run) => run.taskId);
  }

  /** Shutdown: cancels every run and waits (within the grace period) until each published its end. */
  async cancelAll(reason: string): Promise<void> {
    await Promise.all([...this.runs.values()].map((run) => this.stop(run, reason)));
  }

  private async stop(run: TaskRun, reason: string, bus?: ExecutionEventBus): Promise<void> {
    run.cancel(reason, bus);
    const grace = new Promise((resolve) => setTimeout(resolve, this.options.cancelGraceMs ?? 5000).unref());
    await Promise.race([run.done, grace]);
    run.finish(ending(run, TaskState.TASK_STATE_CANCELED, reason));
  }

  private async drive(run: TaskRun, message: Message): Promise<void> {
    const busy = [...this.runs.values()].find((other) => other !== run && other.contextId === run.contextId && other.waiting);
    if (busy) {
      return run.finish(ending(run, TaskState.TASK_STATE_FAILED, `context ${run.contextId} has task ${busy.taskId} waiting for input; answer or cancel it first`));
    }
    const release = await this.takeTurn(run.contextId);
    try {
      if (run.controller.signal.aborted) return run.finish(ending(run, TaskState.TASK_STATE_CANCELED, run.cancelReason ?? "canceled"));
      run.status(TaskState.TASK_STATE_WORKING);
      run.finish(await this.runAgentFor(run, message));
    } catch (error) {
      run.finish(ending(run, TaskState.TASK_STATE_FAILED, errorMessage(error)));
    } finally {
      release();
    }
  }

  private async runAgentFor(run: TaskRun, message: Message): Promise<AgentExecutionEvent> {
    const { workspace, dispatcher } = this.options;
    const prompt = promptOf(message);
    // A text task may run on a worker instead (the dispatcher yields the same AgentEvents): one that
    // serves this server's workspace, with this server's model, on a context with no local session yet.
    const input = typeof prompt === "string" && !this.sessions.get(run.contextId) ? this.workerInput(run, prompt) : undefined;
    const remember = (task: TaskRecord) => {
      if (task.worker_id && task.session_id) this.sessions.setOnWorker(run.contextId, { worker_id: task.worker_id, session_id: task.session_id });
    };
    const events = input && dispatcher?.shouldDispatch(input) ? dispatcher.run(input, run.controller.signal, remember) : await this.runLocally(run, prompt);
    const progress = new ProgressPublisher(run, workspace);
    let failure = "";
    let reason: FinishReason = "error";
    let answer = "";
    for await (const event of events) {
      progress.handle(event);
      if (event.type === "error") failure = event.message;
      if (event.type === "finish") ({ reason, text: answer } = event);
    }
    progress.flush();
    if (progress.changedFiles.size > 0) {
      const files = [...progress.changedFiles].sort();
      run.publish(AgentEvent.artifactUpdate(artifactEvent(run.taskId, run.contextId, { name: "changed-files", description: "Files the agent created or modified", parts: [textPart(files.join("\n")), dataPart({ files })] })));
    }
    if (reason === "stop") {
      run.publish(AgentEvent.artifactUpdate(artifactEvent(run.taskId, run.contextId, { name: "answer", description: "The agent's final answer", parts: [textPart(answer)] })));
      return ending(run, TaskState.TASK_STATE_COMPLETED, answer);
    }
    if (reason === "aborted") return ending(run, TaskState.TASK_STATE_CANCELED, run.cancelReason ?? "canceled");
    return ending(run, TaskState.TASK_STATE_FAILED, failure || `the agent stopped: ${reason}`);
  }

  /**
   * A later turn of a context that ran on a worker continues its session there, while that worker is
   * connected; otherwise any worker (or this server) starts the conversation afresh.
   */
  private workerInput(run: TaskRun, prompt: string): TaskInput {
    const { workspace, modelRef, dispatcher } = this.options;
    const earlier = this.sessions.onWorker(run.contextId);
    const pinned = earlier && dispatcher?.isConnected(earlier.worker_id) ? { pinned_worker: earlier.worker_id, resume_session: earlier.session_id } : {};
    return { prompt, workspace, ...(modelRef ? { model: modelRef } : {}), metadata: { [A2A_TASK_KEY]: run.taskId }, ...pinned };
  }

  private async runLocally(run: TaskRun, prompt: string | UserContent) {
    // Loaded on the first task, so an idle server does not carry the agent core and providers.
    const [agentCore, preparing] = await Promise.allSettled([import("../agent/run-agent.ts"), this.prepare(run.contextId)]);
    if (preparing.status === "rejected") throw preparing.reason;
    const prepared = preparing.value;
    try {
      if (agentCore.status === "rejected") throw agentCore.reason;
      const { runAgent } = agentCore.value;
      const { config, dataDir, workspace } = this.options;
      const events = runAgent(prompt, {
        ...prepared,
        workspace,
        dataDir,
        signal: run.controller.signal,
        maxSteps: config.default.max_steps,
        authorize: taskAuthorize({ config, dataDir, workspace }, run),
        hooks: { config, question: taskQuestion(run) },
        bus: this.options.bus,
      });
      return closeAfter(events, prepared.close);
    } catch (error) {
      await prepared.close();
      throw error;
    }
  }

  /** The session of the context (created on its first task); a session deleted meanwhile starts afresh. */
  private async prepare(contextId: string) {
    const { prepareAgent } = await import("../agent/prepare.ts");
    const { config, dataDir, workspace, modelRef } = this.options;
    const sessionId = this.sessions.get(contextId);
    const prepared = await prepareAgent({ config, dataDir, workspace, modelRef, sessionId, newIfMissing: true });
    try {
      this.sessions.set(contextId, prepared.session.id);
    } catch (error) {
      await prepared.close();
      throw error;
    }
    return prepared;
  }

  /** Waits for the context's earlier runs, so two tasks never write one session at once. */
  private async takeTurn(contextId: string): Promise<() => void> {
    const previous = this.contextTails.get(contextId) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.contextTails.set(contextId, tail);
    await previous;
    return () => {
      release();
      if (this.contextTails.get(contextId) === tail) this.contextTails.delete(contextId);
    };
  }
}

/** The task's MCP servers stop, and its records are durable, before the task reports its end. */
async function* closeAfter<T>(events: AsyncIterable<T>, close: () => Promise<void>): AsyncGenerator<T> {
  try {
    yield* events;
  } finally {
    await close();
  }
}

function ending(run: TaskRun, state: TaskState, text: string): AgentExecutionEvent {
  const message = text ? agentMessage(run.taskId, run.contextId, [textPart(text)]) : undefined;
  return AgentEvent.statusUpdate(statusEvent(run.taskId, run.contextId, state, message));
}
