import {
  SendMessageRequest,
  TaskState,
  type CancelTaskRequest,
  type GetTaskPushNotificationConfigRequest,
  type TaskPushNotificationConfig,
  type Message,
  type StreamResponse,
  type SubscribeToTaskRequest,
  type Task,
} from "@a2a-js/sdk";
import { DefaultRequestHandler, type ServerCallContext } from "@a2a-js/sdk/server";
import { TaskNotCancelableError, UnsupportedOperationError } from "@a2a-js/sdk/errors";
import type { TaskHistory, TaskHistoryStart } from "../bus/task-history.ts";
import type { DurableTaskStore } from "./durable-task-store.ts";
import { ExecutionStarts } from "./execution-starts.ts";
import { refuseUnsupportedParts } from "./prompt-input.ts";
import { taskFirst } from "./task-first-stream.ts";
import { followRemoteTask, STORE_CHECK_MS, type RemoteTaskFeed } from "./remote-task-feed.ts";
import { scopeOf, type ReplicaLink } from "./replica-requests.ts";

/** What a request handler needs to serve tasks that other replicas of one database and bus run. */
export interface Replicas {
  link: ReplicaLink;
  store: DurableTaskStore & Required<Pick<DurableTaskStore, "ownerElsewhere">>;
  /** The task events kept in JetStream; without it, followers get them as plain NATS delivers them. */
  history?: TaskHistory;
}

/**
 * The SDK's request handler, aware of replicas: a task runs on the replica that received it, and its live
 * parts (the run, its event bus) exist only there. A resubscribe, a cancel or the next message for a task
 * another replica runs is served from there: events come over the bus topic `task.{id}`, and the cancel
 * or the message is forwarded to the owner, which handles it as if its own client had sent it. Without
 * replicas (SQLite, or no NATS) every call is the SDK's.
 */
export class ReplicaRequestHandler extends DefaultRequestHandler {
  readonly #replicas: Replicas | undefined;
  readonly #starts: ExecutionStarts;
  readonly #store: ConstructorParameters<typeof DefaultRequestHandler>[1];

  constructor(replicas: Replicas | undefined, ...args: ConstructorParameters<typeof DefaultRequestHandler>) {
    const [card, store, executor, ...rest] = args;
    const starts = new ExecutionStarts();
    super(card, store, starts.watch(executor), ...rest);
    this.#replicas = replicas;
    this.#starts = starts;
    this.#store = store;
  }

  /** Answers the other replicas' forwarded calls with this handler's own (SDK) behaviour. */
  answerReplicas(): () => void {
    if (!this.#replicas) return () => undefined;
    return this.#replicas.link.answer({
      cancel: (taskId, context) =>
        super.cancelTask({ tenant: context.tenant ?? "", id: taskId, metadata: undefined }, context),
      send: async (taskId, request, context) => {
        const start = this.#starts.next(taskId);
        const stream = super.sendMessageStream(SendMessageRequest.fromJSON(request), context);
        const first = stream.next();
        try {
          // Accepted once the SDK hands the message to the run (a refusal throws before); the events that
          // follow reach the asker over the bus.
          await Promise.race([start.started, first]);
        } finally {
          start.forget();
        }
        void drain(first, stream);
      },
    });
  }

  override async cancelTask(params: CancelTaskRequest, context: ServerCallContext): Promise<Task> {
    // The spec lists "already canceled" among the states a cancel is refused in; the SDK answers it with the task.
    const stored = await this.#store.load(params.id, context);
    if (stored?.status?.state === TaskState.TASK_STATE_CANCELED)
      throw new TaskNotCancelableError(`Task not cancelable: ${params.id} is already canceled`);
    const owner = await this.#ownerElsewhere(params.id);
    if (owner) {
      const asked = await this.#replicas!.link.ask(owner, { op: "cancel", taskId: params.id, scope: scopeOf(context) });
      // Done: the owner stored the end. Gone: no run is left anywhere, so the SDK's stored cancel is the truth.
      if (asked === "done")
        return this.getTask({ tenant: params.tenant, id: params.id, historyLength: undefined }, context);
    }
    return super.cancelTask(params, context);
  }

  override async getTaskPushNotificationConfig(
    params: GetTaskPushNotificationConfigRequest,
    context: ServerCallContext,
  ): Promise<TaskPushNotificationConfig> {
    // 0.3 lets a client ask for a task's config without its id: the first one, as the 0.3 reference SDKs answer.
    if (!params.id && context.requestedVersion.startsWith("0.")) {
      const listed = await this.listTaskPushNotificationConfigs(
        { tenant: params.tenant, taskId: params.taskId, pageSize: 1, pageToken: "" },
        context,
      );
      params = { ...params, id: listed.configs[0]?.id ?? "" };
    }
    return super.getTaskPushNotificationConfig(params, context);
  }

  override async *resubscribe(
    params: SubscribeToTaskRequest,
    context: ServerCallContext,
  ): AsyncGenerator<StreamResponse, void, undefined> {
    try {
      yield* taskFirst(this.#resubscribe(params, context));
    } catch (error) {
      // The SDK names the state by its number ("a terminal state (3)"): the client is told its name.
      if (error instanceof Error)
        error.message = error.message.replace(/state \((\d+)\)/, (_, n: string) => `state (${TaskState[Number(n)]})`);
      throw error;
    }
  }

  async *#resubscribe(
    params: SubscribeToTaskRequest,
    context: ServerCallContext,
  ): AsyncGenerator<StreamResponse, void, undefined> {
    const owner = await this.#ownerElsewhere(params.id);
    if (!owner) return yield* super.resubscribe(params, context);
    const feed = await this.#follow(params.id, context, "first");
    try {
      // Without a local run the SDK checks the task and yields its snapshot, nothing more: the owner's events
      // follow, those the snapshot does not hold yet.
      let snapshot: Task | undefined;
      for await (const response of super.resubscribe(params, context)) {
        if (response.payload?.$case === "task") snapshot = response.payload.value;
        yield response;
      }
      yield* feed.events(snapshot);
    } finally {
      feed.close();
    }
  }

  override async *sendMessageStream(
    params: SendMessageRequest,
    context: ServerCallContext,
  ): AsyncGenerator<StreamResponse, void, undefined> {
    refuseUnsupportedParts(params.message);
    const taskId = params.message?.taskId;
    const owner = taskId ? await this.#ownerElsewhere(taskId) : undefined;
    if (!taskId || !owner) return yield* super.sendMessageStream(params, context);
    const feed = await this.#forwardSend(owner, taskId, params, context);
    try {
      yield* feed.events();
    } finally {
      feed.close();
    }
  }

  override async sendMessage(params: SendMessageRequest, context: ServerCallContext): Promise<Message | Task> {
    refuseUnsupportedParts(params.message);
    const taskId = params.message?.taskId;
    const owner = taskId ? await this.#ownerElsewhere(taskId) : undefined;
    if (!taskId || !owner) return super.sendMessage(params, context);
    const feed = await this.#forwardSend(owner, taskId, params, context);
    try {
      // Blocking: the task's events until it ends or asks for input, each final state stored before it comes.
      if (params.configuration?.returnImmediately !== true) for await (const _ of feed.events());
    } finally {
      feed.close();
    }
    return this.getTask(
      { tenant: params.tenant, id: taskId, historyLength: params.configuration?.historyLength },
      context,
    );
  }

  /** The other replica running the task, when there are replicas and it is not this one. */
  async #ownerElsewhere(taskId: string): Promise<string | undefined> {
    return taskId ? this.#replicas?.store.ownerElsewhere(taskId) : undefined;
  }

  #follow(taskId: string, context: ServerCallContext, start: TaskHistoryStart): Promise<RemoteTaskFeed> {
    const { link, store, history } = this.#replicas!;
    const load = () => store.load(taskId, context);
    return followRemoteTask(link.bus, taskId, load, STORE_CHECK_MS, history && { history, start });
  }

  /** Follows the task, then has the owner take the message (so none of the events it causes is missed). */
  async #forwardSend(
    owner: string,
    taskId: string,
    params: SendMessageRequest,
    context: ServerCallContext,
  ): Promise<RemoteTaskFeed> {
    const feed = await this.#follow(taskId, context, "next");
    try {
      const request = SendMessageRequest.toJSON(params);
      const asked = await this.#replicas!.link.ask(owner, { op: "send", taskId, request, scope: scopeOf(context) });
      if (asked === "gone") {
        throw new UnsupportedOperationError(
          `task ${taskId} ran on replica ${owner}, which has stopped; the task is failed once that replica's lease lapses`,
        );
      }
      return feed;
    } catch (error) {
      feed.close();
      throw error;
    }
  }
}

/** Consumes the rest of a forwarded message's stream, so the SDK stores (and pushes) every event of it. */
async function drain(first: Promise<unknown>, stream: AsyncGenerator<unknown>): Promise<void> {
  try {
    await first;
    for await (const _ of stream);
  } catch {
    // The SDK stores a failed run's end itself; the asker learns of it over the bus.
  }
}
