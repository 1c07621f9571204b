import { TaskState, type AgentCard, type StreamResponse, type Task } from "@a2a-js/sdk";
import { DefaultRequestHandler, type User } from "@a2a-js/sdk/server";
import { publishTasksOnBus } from "../bus/a2a-task-events.ts";
import type { BusHandle } from "../bus/bus-handle.ts";
import type { Config } from "../config/schema.ts";
import type { TaskDispatcher } from "../control-plane/dispatcher.ts";
import { buildAgentCard, extendedAgentCard, type CardEndpoints } from "./agent-card.ts";
import { CodeTetherExecutor } from "./executor.ts";
import { SqlitePushConfigStore } from "./push-config-store.ts";
import { OutboxPushSender } from "./push-sender.ts";
import { serverSection } from "./server-config.ts";
import { SqliteTaskStore } from "./task-store.ts";

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
  /** When given, every task's events are also published on `task.{id}` of the agent bus. */
  bus?: BusHandle;
  /** Runs tasks on workers instead of here when the `[server] dispatch` mode says so. */
  dispatcher?: TaskDispatcher;
}

export interface A2AService {
  requestHandler: DefaultRequestHandler;
  executor: CodeTetherExecutor;
  taskStore: SqliteTaskStore;
  card: AgentCard;
  /** The caller every authenticated request runs as (one token, one owner). */
  user: User;
  /** Re-points the card's URLs once the real ports are bound. */
  setEndpoints(endpoints: CardEndpoints): void;
  /** Cancels running tasks, waits for their final state to be stored, stops push retries. */
  close(reason: string): Promise<void>;
}

/**
 * The A2A side of `serve`: durable task and push stores, the executor, push delivery, and the one
 * request handler that every transport (JSON-RPC, REST, gRPC; 1.0 and 0.3) shares. Tasks a previous
 * process left unfinished are marked failed first; queued push notifications resume.
 */
export function createA2AService(options: A2AServiceOptions): A2AService {
  const { config, dataDir, workspace } = options;
  const { allow_private_push } = serverSection(config);
  const taskStore = new SqliteTaskStore(dataDir);
  const pushStore = new SqlitePushConfigStore(dataDir, allow_private_push);
  const pushSender = new OutboxPushSender(dataDir, pushStore, { allowPrivate: allow_private_push, log: options.log });
  const recovered = taskStore.failInterrupted();
  if (recovered.length > 0) {
    options.log(`${recovered.length} task(s) interrupted by the previous shutdown were marked failed`);
    // Their worker tasks would still run (or wait in the queue) for an answer nobody can receive.
    const abandoned = options.dispatcher?.abandon(recovered.map((task) => task.id)) ?? 0;
    if (abandoned > 0) options.log(`${abandoned} of their worker task(s) were cancelled`);
  }
  // Tasks ended outside the SDK's event flow: their webhooks hear of it like of any other end (a client
  // that only listens for pushes would wait forever).
  const notifyEnded = (tasks: Task[]) => {
    for (const task of tasks) {
      void pushSender.send({ payload: { $case: "statusUpdate", value: { taskId: task.id, contextId: task.contextId, status: task.status, metadata: undefined } } } as StreamResponse, undefined, task);
    }
  };
  notifyEnded(recovered);
  const executor = new CodeTetherExecutor({ config, dataDir, workspace, modelRef: options.modelRef, dispatcher: options.dispatcher, bus: options.bus });
  const card = { ...buildAgentCard(options.endpoints, options.version), ...options.identity };
  const extendedCard = async () => {
    const { builtinTools } = await import("../tool/builtin-tools.ts");
    return extendedAgentCard(card, builtinTools());
  };
  const requestHandler = new DefaultRequestHandler(card, taskStore, options.bus ? publishTasksOnBus(executor, options.bus) : executor, undefined, pushStore, pushSender, extendedCard);
  pushSender.kick();

  return {
    requestHandler,
    executor,
    taskStore,
    card,
    user: { isAuthenticated: true, userName: "bearer" },
    setEndpoints: (endpoints) => Object.assign(card, { supportedInterfaces: buildAgentCard(endpoints, options.version).supportedInterfaces }),
    close: async (reason) => {
      const running = [...executor.runningTaskIds()];
      const paused = executor.waitingTaskIds();
      await executor.cancelAll(reason);
      await taskStore.settled(running.filter((id) => !paused.includes(id)), 2000);
      // A paused task's cancel has no event bus to reach the SDK through: stored and pushed here.
      notifyEnded(await taskStore.endUnfinished(paused, TaskState.TASK_STATE_CANCELED, reason));
      await pushSender.close();
    },
  };
}
