// One shape for every client the interop tests drive: @a2a-js/sdk 1.3.0 over JSON-RPC, REST and gRPC
// (through src/a2a/client.ts, which is built on its ClientFactory) and the 0.3.14 client, likewise on all three.
import { randomUUID } from "node:crypto";
import { Role, type Message, type StreamResponse, type Task } from "@a2a-js/sdk";
import type { Client as Client03 } from "a2a-sdk-v03/client";
import { ClientFactory as ClientFactory03 } from "a2a-sdk-v03/client";
import type { Task as Task03 } from "a2a-sdk-v03";
import { connectA2A, type TransportName } from "../../src/a2a/client.ts";
import { stateName, textOf } from "../../src/a2a/messages.ts";

export interface PeerTask {
  id: string;
  contextId: string;
  state: string;
  /** Text of the `answer` artifact. */
  answer?: string;
  artifacts: string[];
  historyLength: number;
  /** The text of each history message, in order. */
  history: string[];
}

export interface PeerEvent {
  kind: "task" | "status" | "artifact" | "message";
  state?: string;
  text?: string;
  taskId?: string;
}

export interface SendOptions {
  /** Return as soon as the task exists instead of waiting for its end. */
  immediate?: boolean;
  contextId?: string;
  taskId?: string;
}

export interface Peer {
  name: string;
  protocolVersion: string;
  send(text: string, options?: SendOptions): Promise<PeerTask>;
  stream(text: string, options?: SendOptions): AsyncGenerator<PeerEvent>;
  get(id: string): Promise<PeerTask>;
  /** Spec 1.0 only (0.3 JSON-RPC has no tasks/list). */
  list?(pageSize: number, pageToken?: string): Promise<{ ids: string[]; next: string; total: number }>;
  cancel(id: string): Promise<PeerTask>;
  resubscribe(id: string): AsyncGenerator<PeerEvent>;
  pushCreate(taskId: string, url: string, token: string): Promise<string>;
  pushGet(taskId: string, id: string): Promise<string>;
  pushList(taskId: string): Promise<string[]>;
  pushDelete(taskId: string, id: string): Promise<void>;
}

export async function v1Peer(baseUrl: string, token: string, transport: TransportName): Promise<Peer> {
  const { client, protocolVersion } = await connectA2A(baseUrl, { token, transport });
  const request = (text: string, options: SendOptions = {}) => ({
    tenant: "",
    message: userMessage(text, options),
    configuration: {
      acceptedOutputModes: [],
      taskPushNotificationConfig: undefined,
      historyLength: undefined,
      returnImmediately: Boolean(options.immediate),
    },
    metadata: undefined,
  });
  async function* events(stream: AsyncGenerator<StreamResponse>): AsyncGenerator<PeerEvent> {
    for await (const event of stream) yield v1Event(event);
  }
  return {
    name: `1.0 ${transport}`,
    protocolVersion,
    send: async (text, options) => {
      const result = await client.sendMessage(request(text, options));
      if (!("status" in result)) throw new Error(`expected a task, got a message: ${textOf(result)}`);
      return v1Task(result);
    },
    stream: (text, options) => events(client.sendMessageStream(request(text, options))),
    get: async (id) => v1Task(await client.getTask({ tenant: "", id, historyLength: undefined })),
    list: async (pageSize, pageToken = "") => {
      const page = await client.listTasks({
        tenant: "",
        contextId: "",
        status: 0,
        pageSize,
        pageToken,
        historyLength: undefined,
        statusTimestampAfter: undefined,
        includeArtifacts: true,
      });
      return { ids: page.tasks.map((t) => t.id), next: page.nextPageToken, total: page.totalSize };
    },
    cancel: async (id) => v1Task(await client.cancelTask({ tenant: "", id, metadata: undefined })),
    resubscribe: (id) => events(client.resubscribeTask({ tenant: "", id })),
    pushCreate: async (taskId, url, secret) =>
      (
        await client.createTaskPushNotificationConfig({
          tenant: "",
          id: "",
          taskId,
          url,
          token: "",
          authentication: { scheme: "Bearer", credentials: secret },
        })
      ).id,
    pushGet: async (taskId, id) => (await client.getTaskPushNotificationConfig({ tenant: "", taskId, id })).url,
    pushList: async (taskId) =>
      (await client.listTaskPushNotificationConfig({ tenant: "", taskId, pageSize: 0, pageToken: "" })).configs.map(
        (c) => c.id,
      ),
    pushDelete: (taskId, id) => client.deleteTaskPushNotificationConfig({ tenant: "", taskId, id }),
  };
}

function userMessage(text: string, options: SendOptions): Message {
  const part = {
    content: { $case: "text" as const, value: text },
    mediaType: "text/plain",
    filename: "",
    metadata: undefined,
  };
  return {
    messageId: randomUUID(),
    contextId: options.contextId ?? "",
    taskId: options.taskId ?? "",
    role: Role.ROLE_USER,
    parts: [part],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

function v1Task(task: Task): PeerTask {
  const answer = task.artifacts.find((a) => a.name === "answer");
  return {
    id: task.id,
    contextId: task.contextId,
    state: stateName(task.status?.state),
    answer: answer ? answer.parts.map((p) => (p.content?.$case === "text" ? p.content.value : "")).join("") : undefined,
    artifacts: task.artifacts.map((a) => a.name),
    historyLength: task.history.length,
    history: task.history.map(textOf),
  };
}

function v1Event(event: StreamResponse): PeerEvent {
  const payload = event.payload;
  if (payload?.$case === "task")
    return { kind: "task", state: stateName(payload.value.status?.state), taskId: payload.value.id };
  if (payload?.$case === "statusUpdate")
    return {
      kind: "status",
      state: stateName(payload.value.status?.state),
      text: textOf(payload.value.status?.message),
      taskId: payload.value.taskId,
    };
  if (payload?.$case === "artifactUpdate")
    return { kind: "artifact", text: payload.value.artifact?.name, taskId: payload.value.taskId };
  return { kind: "message" };
}

/**
 * A 0.3.14 client factory for serve: every transport, the bearer on each call (HTTP header, gRPC
 * metadata), `preferred` first when given.
 */
export async function v03Factory(token: string, preferred?: TransportName): Promise<ClientFactory03> {
  const fetchImpl: typeof fetch = (input, init) =>
    fetch(input, {
      ...init,
      headers: { ...Object.fromEntries(new Headers(init?.headers)), authorization: `Bearer ${token}` },
    });
  const { JsonRpcTransportFactory, RestTransportFactory } = await import("a2a-sdk-v03/client");
  const { GrpcTransportFactory } = await import("a2a-sdk-v03/client/grpc");
  const authorization = `Bearer ${token}`;
  return new ClientFactory03({
    transports: [
      new JsonRpcTransportFactory({ fetchImpl }),
      new RestTransportFactory({ fetchImpl }),
      new GrpcTransportFactory(),
    ],
    preferredTransports: preferred ? [preferred] : undefined,
    clientConfig: {
      interceptors: [
        {
          before: async (args) => {
            args.options = {
              ...args.options,
              serviceParameters: { ...args.options?.serviceParameters, authorization },
            };
          },
          after: async () => {},
        },
      ],
    },
  });
}

/** The 0.3 card is served at `/.well-known/agent.json`; the spec path answers 1.0 (README, "Agent card"). */
export const V03_CARD_PATH = "/.well-known/agent.json";

export async function v03Peer(baseUrl: string, token: string, transport: TransportName = "JSONRPC"): Promise<Peer> {
  const factory = await v03Factory(token, transport);
  const client: Client03 = await factory.createFromUrl(baseUrl, V03_CARD_PATH);
  const params = (text: string, options: SendOptions = {}) => ({
    message: {
      kind: "message" as const,
      messageId: randomUUID(),
      role: "user" as const,
      parts: [{ kind: "text" as const, text }],
      contextId: options.contextId,
      taskId: options.taskId,
    },
    configuration: { blocking: !options.immediate },
  });
  async function* events(stream: AsyncGenerator<unknown>): AsyncGenerator<PeerEvent> {
    for await (const event of stream) yield v03Event(event as Record<string, any>);
  }
  return {
    name: `0.3 ${transport}`,
    protocolVersion: "0.3",
    send: async (text, options) => {
      const result = await client.sendMessage(params(text, options));
      if (result.kind !== "task") throw new Error("expected a task, got a message");
      return v03Task(result);
    },
    stream: (text, options) => events(client.sendMessageStream(params(text, options))),
    get: async (id) => v03Task(await client.getTask({ id, historyLength: 10 })),
    cancel: async (id) => v03Task(await client.cancelTask({ id })),
    resubscribe: (id) => events(client.resubscribeTask({ id })),
    pushCreate: async (taskId, url, secret) => {
      const config = await client.setTaskPushNotificationConfig({
        taskId,
        pushNotificationConfig: { url, token: secret, authentication: { schemes: ["Bearer"], credentials: secret } },
      });
      return config.pushNotificationConfig.id!;
    },
    pushGet: async (taskId, id) =>
      (await client.getTaskPushNotificationConfig({ id: taskId, pushNotificationConfigId: id } as { id: string }))
        .pushNotificationConfig.url,
    pushList: async (taskId) =>
      (await client.listTaskPushNotificationConfig({ id: taskId })).map((c) => c.pushNotificationConfig.id!),
    pushDelete: (taskId, id) => client.deleteTaskPushNotificationConfig({ id: taskId, pushNotificationConfigId: id }),
  };
}

function v03Task(task: Task03): PeerTask {
  const answer = task.artifacts?.find((a) => a.name === "answer");
  return {
    id: task.id,
    contextId: task.contextId,
    state: task.status.state,
    answer: answer?.parts.map((p) => (p.kind === "text" ? p.text : "")).join(""),
    artifacts: (task.artifacts ?? []).map((a) => a.name ?? ""),
    historyLength: task.history?.length ?? 0,
    history: (task.history ?? []).map((m) => m.parts.map((p) => (p.kind === "text" ? p.text : "")).join("")),
  };
}

function v03Event(event: Record<string, any>): PeerEvent {
  if (event.kind === "task") return { kind: "task", state: event.status.state, taskId: event.id };
  if (event.kind === "status-update") {
    const text = (event.status.message?.parts ?? []).map((p: { text?: string }) => p.text ?? "").join("");
    return { kind: "status", state: event.status.state, text, taskId: event.taskId };
  }
  if (event.kind === "artifact-update") return { kind: "artifact", text: event.artifact.name, taskId: event.taskId };
  return { kind: "message" };
}
