import { TaskState, type AgentCard, type Task } from "@a2a-js/sdk";
import type { User } from "@a2a-js/sdk/server";
import { publishTasksOnBus } from "../../bus/a2a-task-events.ts";
import type { AgentServices } from "../agent-factory.ts";
import type { Config } from "../../config/schema.ts";
import type { TaskDispatcher } from "../../control-plane/dispatcher.ts";
import { buildAgentCard, extendedAgentCard, type CardEndpoints } from "../../a2a/agent-card.ts";
import { CodeTetherExecutor } from "./a2a-executor.ts";
import { openPushStores } from "../../a2a/open-push-stores.ts";
import { openConversations } from "../../a2a/open-conversations.ts";
import { statusUpdateOf } from "../../a2a/messages.ts";
import { OutboxPushSender } from "../../a2a/push-sender.ts";
import { advertisedEndpoints } from "../../a2a/public-url.ts";
import { serverSection } from "../../a2a/server-config.ts";
import type { DurableTaskStore } from "../../a2a/durable-task-store.ts";
import { ReplicaRequestHandler } from "../../a2a/replica-request-handler.ts";
import { replicasOf } from "./replicas.ts";
import type { SharedDatabase } from "../../postgres/shared-database.ts";

export interface A2AServiceOptions {
  config: Config;
  dataDir: string;
  workspace: string;
  modelRef?: string;
  version: string;
  endpoints: CardEndpoints;
  log: (line: string) => void;
  /** The card's name and description when not the default agent's (a spawned peer's own). */
  identity?: { name: string; description: string };
  /** What the tasks' agents share; with a bus, every task's events are also published on `task.{id}`. */
  services: AgentServices;
  /** Runs tasks on workers instead of here when the `[server] dispatch` mode says so. */
  dispatcher?: TaskDispatcher;
  /** Where tasks are kept (SQLite in the data dir, or PostgreSQL with `[storage] url`); closed with the service. */
  taskStore: DurableTaskStore;
  /** With `[storage] url`: push configs and the push outbox live there too, shared by the replicas. */
  database?: SharedDatabase;
}

export interface A2AService {
  requestHandler: ReplicaRequestHandler;
  executor: CodeTetherExecutor;
  taskStore: DurableTaskStore;
  card: AgentCard;
  /** The caller every authenticated request runs as (one token, one owner). */
  user: User;
  /** Re-points the card's URLs once the real ports are bound. */
  setEndpoints(endpoints: CardEndpoints): void;
  /** When the public card last changed (its `Last-Modified`). */
  cardModified(): Date;
  /** Cancels running tasks, waits for their final state to be stored, stops push retries. */
  close(reason: string): Promise<void>;
}

/**
 * The A2A side of `serve`: durable task and push stores, the executor, push delivery, and the one
 * request handler that every transport (JSON-RPC, REST, gRPC; 1.0 and 0.3) shares. Tasks a previous
 * process left unfinished are marked failed first; queued push notifications resume.
 */
export async function createA2AService(options: A2AServiceOptions): Promise<A2AService> {
  const { config, dataDir, workspace, taskStore } = options;
  const { allow_private_push, preferred_transport, public_url } = serverSection(config);
  const cardFor = (endpoints: CardEndpoints) =>
    buildAgentCard(advertisedEndpoints(endpoints, public_url), options.version, preferred_transport);
  const push = await openPushStores(dataDir, options.database, allow_private_push);
  const pushSender = new OutboxPushSender(push.configs, push.outbox, {
    allowPrivate: allow_private_push,
    log: options.log,
  });
  // Tasks ended outside the SDK's event flow: their webhooks hear of it like of any other end (a client
  // that only listens for pushes would wait forever).
  const notifyEnded = (tasks: Task[]) => {
    for (const task of tasks) {
      pushSender
        .send(statusUpdateOf(task), undefined, task)
        .catch((error: Error) =>
          options.log(`could not queue the push notification for task ${task.id}: ${error.message}`),
        );
    }
  };
  const recoverInterrupted = async (cause: string) => {
    const recovered = await taskStore.failInterrupted();
    if (recovered.length === 0) return;
    options.log(`${recovered.length} task(s) interrupted by ${cause} were marked failed`);
    // Their worker tasks would still run (or wait in the queue) for an answer nobody can receive.
    const abandoned = (await options.dispatcher?.abandon(recovered.map((task) => task.id))) ?? 0;
    if (abandoned > 0) options.log(`${abandoned} of their worker task(s) were cancelled`);
    notifyEnded(recovered);
  };
  await recoverInterrupted("the previous shutdown");
  // With replicas sharing the store, one may die while this one runs: its tasks are ended once its lease lapses.
  const recovery =
    taskStore.recoveryIntervalMs === undefined
      ? undefined
      : setInterval(() => {
          recoverInterrupted("a replica that stopped").catch((error: Error) =>
            options.log(`could not look for interrupted tasks: ${error.message}`),
          );
        }, taskStore.recoveryIntervalMs).unref();
  const executor = new CodeTetherExecutor({
    config,
    dataDir,
    workspace,
    modelRef: options.modelRef,
    dispatcher: options.dispatcher,
    services: options.services,
    conversations: await openConversations(options.database, dataDir, config),
  });
  const card = { ...cardFor(options.endpoints), ...options.identity };
  let cardModified = new Date();
  const extendedCard = async () => {
    // The tools a task's agent is offered, as the agent factory chooses them.
    const { loadSkills, offeredBuiltinTools } = await import("../../tool/builtin-tools.ts");
    return extendedAgentCard(card, offeredBuiltinTools(await loadSkills(workspace), config));
  };
  // Replicas on one database and one NATS bus serve each other's tasks (resubscribe, cancel, answers).
  const requestHandler = new ReplicaRequestHandler(
    await replicasOf(taskStore, options.services.bus?.bus, options.log),
    card,
    taskStore,
    options.services.bus ? publishTasksOnBus(executor, options.services.bus) : executor,
    undefined,
    push.configs,
    pushSender,
    extendedCard,
  );
  pushSender.kick();
  const stopAnswering = requestHandler.answerReplicas();

  return {
    requestHandler,
    executor,
    taskStore,
    card,
    user: { isAuthenticated: true, userName: "bearer" },
    setEndpoints: (endpoints) => {
      const { supportedInterfaces } = cardFor(endpoints);
      Object.assign(card, { supportedInterfaces });
      cardModified = new Date();
    },
    cardModified: () => cardModified,
    close: async (reason) => {
      clearInterval(recovery);
      stopAnswering();
      const running = [...executor.runningTaskIds()];
      const paused = executor.waitingTaskIds();
      await executor.cancelAll(reason);
      await taskStore.settled(
        running.filter((id) => !paused.includes(id)),
        2000,
      );
      // A paused task's cancel has no event bus to reach the SDK through: stored and pushed here.
      notifyEnded(await taskStore.endUnfinished(paused, TaskState.TASK_STATE_CANCELED, reason));
      await pushSender.close();
      await taskStore.close();
    },
  };
}
