import { TaskState, type Message } from "@a2a-js/sdk";
import {
  AgentEvent,
  type AgentExecutionEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from "@a2a-js/sdk/server";
import type { FinishReason } from "../../contracts/agent-events.ts";
import type { AgentServices } from "../agent-factory.ts";
import type { UserContent } from "ai";
import type { Config } from "../../config/schema.ts";
import { A2A_TASK_KEY, type TaskDispatcher } from "../../control-plane/dispatcher.ts";
import type { TaskInput, TaskRecord } from "../../control-plane/types.ts";
import { errorMessage } from "../../contracts/errors.ts";
import { ContextSessions } from "../../a2a/context-sessions.ts";
import { agentMessage, artifactEvent, dataPart, newTask, statusEvent, textOf, textPart } from "../../a2a/messages.ts";
import { ProgressPublisher } from "../../a2a/progress.ts";
import { ProgressPace } from "../../a2a/progress-pace.ts";
import { promptOf } from "../../a2a/prompt-input.ts";
import { taskAsk, taskQuestion } from "./task-permissions.ts";
import { TaskRun } from "../../a2a/task-run.ts";
import { followSwarms } from "./swarm-progress.ts";
import type { SharedConversations } from "../../a2a/shared-conversations.ts";

export interface ExecutorOptions {
  config: Config;
  dataDir: string;
  workspace: string;
  /** `provider/model`; the config's default when absent. */
  modelRef?: string;
  /** How long a canceled run may take to stop before `canceled` is published regardless. */
  cancelGraceMs?: number;
  /** Serve's services for the tasks' agents: durable logs, language servers, its bus, the peers to hire. */
  services: AgentServices;
  /** Sends tasks to workers when `[server] dispatch` says so (see TaskDispatcher); local runs otherwise. */
  dispatcher?: TaskDispatcher;
  /** With `[storage] url`: each turn continues the context's session as the shared database holds it. */
  conversations?: SharedConversations;
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
  /** One budget of streamed-text updates for all of this server's tasks. */
  private readonly pace = new ProgressPace();

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
      // A stream must open with the task: the SDK ends one whose first event is a status update with a
      // protocol error, after the answer had already resumed the run.
      if (context.task) bus.publish(AgentEvent.task(context.task));
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
    const busy = [...this.runs.values()].find(
      (other) => other !== run && other.contextId === run.contextId && other.waiting,
    );
    if (busy) {
      return run.finish(
        ending(
          run,
          TaskState.TASK_STATE_FAILED,
          `context ${run.contextId} has task ${busy.taskId} waiting for input; answer or cancel it first`,
        ),
      );
    }
    const release = await this.takeTurn(run.contextId);
    try {
      if (run.controller.signal.aborted)
        return run.finish(ending(run, TaskState.TASK_STATE_CANCELED, run.cancelReason ?? "canceled"));
      const turn = await this.options.conversations?.begin(run.contextId);
      if (turn?.sessionId) this.sessions.set(run.contextId, turn.sessionId);
      run.status(TaskState.TASK_STATE_WORKING);
      const end = await this.runAgentFor(run, message);
      // The turn is kept (for the context's next turn, on any replica) before the task says it ended.
      const sessionId = turn && this.sessions.get(run.contextId);
      if (sessionId) await turn.commit(sessionId);
      run.finish(end);
    } catch (error) {
      run.finish(ending(run, TaskState.TASK_STATE_FAILED, errorMessage(error)));
    } finally {
      release();
    }
  }

  private async runAgentFor(run: TaskRun, message: Message): Promise<AgentExecutionEvent> {
    const { workspace, dispatcher } = this.options;
    const prompt = promptOf(message);
    const sessionId = this.sessions.get(run.contextId);
    // A text task may run on a worker instead (the dispatcher yields the same AgentEvents): one that
    // serves this server's workspace, with this server's model, on a context with no local session yet.
    const input = typeof prompt === "string" && !sessionId ? await this.workerInput(run, prompt) : undefined;
    const { conversations } = this.options;
    const remember = (task: TaskRecord) => {
      if (!task.worker_id || !task.session_id) return;
      const session = { worker_id: task.worker_id, session_id: task.session_id };
      // Shared with the other replicas when there are any: the context's next turn may reach any of them.
      // A write lost to a database outage costs that turn its worker session, nothing more.
      if (conversations) void conversations.setOnWorker(run.contextId, session).catch(() => undefined);
      else this.sessions.setOnWorker(run.contextId, session);
    };
    const events =
      input && dispatcher && (await dispatcher.shouldDispatch(input))
        ? dispatcher.run(input, run.controller.signal, remember)
        : await this.runLocally(run, prompt, sessionId);
    const progress = new ProgressPublisher(run, workspace, this.pace);
    // A swarm the agent runs (the `swarm` tool) reports its sub-agents' progress as working updates too.
    const bus = this.options.services.bus?.bus;
    const unfollow = bus
      ? followSwarms(
          bus,
          () => this.sessions.get(run.contextId),
          (text, data) => progress.note(text, data),
        )
      : undefined;
    let failure = "";
    let reason: FinishReason = "error";
    let answer = "";
    try {
      for await (const event of events) {
        progress.handle(event);
        if (event.type === "error") failure = event.message;
        if (event.type === "finish") ({ reason, text: answer } = event);
      }
    } finally {
      unfollow?.();
    }
    progress.flush();
    if (progress.changedFiles.size > 0) {
      const files = [...progress.changedFiles].sort();
      run.publish(
        AgentEvent.artifactUpdate(
          artifactEvent(run.taskId, run.contextId, {
            name: "changed-files",
            description: "Files the agent created or modified",
            parts: [textPart(files.join("\n")), dataPart({ files })],
          }),
        ),
      );
    }
    if (reason === "stop") {
      run.publish(
        AgentEvent.artifactUpdate(
          artifactEvent(run.taskId, run.contextId, {
            name: "answer",
            description: "The agent's final answer",
            parts: [textPart(answer)],
          }),
        ),
      );
      return ending(run, TaskState.TASK_STATE_COMPLETED, answer);
    }
    if (reason === "aborted") return ending(run, TaskState.TASK_STATE_CANCELED, run.cancelReason ?? "canceled");
    return ending(run, TaskState.TASK_STATE_FAILED, failure || `the agent stopped: ${reason}`);
  }

  /**
   * A later turn of a context that ran on a worker continues its session there, while that worker is
   * connected; otherwise any worker (or this server) starts the conversation afresh.
   */
  private async workerInput(run: TaskRun, prompt: string): Promise<TaskInput> {
    const { workspace, modelRef, dispatcher } = this.options;
    const { conversations } = this.options;
    const earlier = conversations ? await conversations.onWorker(run.contextId) : this.sessions.onWorker(run.contextId);
    const pinned =
      earlier && (await dispatcher?.isConnected(earlier.worker_id))
        ? { pinned_worker: earlier.worker_id, resume_session: earlier.session_id }
        : {};
    return {
      prompt,
      workspace,
      ...(modelRef ? { model: modelRef } : {}),
      metadata: { [A2A_TASK_KEY]: run.taskId },
      ...pinned,
    };
  }

  private async runLocally(run: TaskRun, prompt: string | UserContent, sessionId: string | undefined) {
    const prepared = await this.prepare(run, sessionId);
    try {
      const events = prepared.run(prompt, { signal: run.controller.signal, hooks: { question: taskQuestion(run) } });
      return closeAfter(events, prepared.close);
    } catch (error) {
      await prepared.close();
      throw error;
    }
  }

  /**
   * The task's agent, from the one factory (profile and permission rules as on every front end), in the
   * session of its context (created on its first task; a session deleted meanwhile starts afresh); its
   * permission asks pause the task in input-required. `sessionId`: the context's, as the caller just read it.
   */
  private async prepare(run: TaskRun, sessionId: string | undefined) {
    // Loaded on the first task, so an idle server does not carry the agent core and providers.
    const { prepareAgent } = await import("../agent-factory.ts");
    const { config, dataDir, workspace, modelRef, services } = this.options;
    const prepared = await prepareAgent({
      config,
      dataDir,
      workspace,
      modelRef,
      sessionId,
      newIfMissing: true,
      ask: taskAsk(run),
      services,
    });
    try {
      this.sessions.set(run.contextId, prepared.session.id, { current: sessionId });
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
