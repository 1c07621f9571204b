// The reference for bench/serve.ts: the SDK's own multi-transport sample shape (@a2a-js/sdk 1.3.0,
// DefaultRequestHandler + InMemoryTaskStore, JSON-RPC with 0.3 compat) and an echo executor that
// answers at once with a completed task. Prints `{"url": ...}` once listening.
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import express from "express";
import { A2A_PROTOCOL_VERSION, Role, TaskState, type AgentCard } from "@a2a-js/sdk";
import { AgentEvent, DefaultRequestHandler, InMemoryTaskStore, type AgentExecutor } from "@a2a-js/sdk/server";
import { jsonRpcHandler, UserBuilder } from "@a2a-js/sdk/server/express";

const echo: AgentExecutor = {
  execute: async (context, bus) => {
    const { taskId, contextId } = context;
    const text = context.userMessage.parts.map((p) => (p.content?.$case === "text" ? p.content.value : "")).join("");
    const part = {
      content: { $case: "text" as const, value: `echo: ${text}` },
      mediaType: "text/plain",
      filename: "",
      metadata: undefined,
    };
    const reply = {
      messageId: randomUUID(),
      contextId,
      taskId,
      role: Role.ROLE_AGENT,
      parts: [part],
      metadata: undefined,
      extensions: [],
      referenceTaskIds: [],
    };
    const now = () => new Date().toISOString();
    bus.publish(
      AgentEvent.task({
        id: taskId,
        contextId,
        status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: now() },
        artifacts: [],
        history: [context.userMessage],
        metadata: undefined,
      }),
    );
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: { state: TaskState.TASK_STATE_WORKING, message: undefined, timestamp: now() },
        metadata: undefined,
      }),
    );
    bus.publish(
      AgentEvent.artifactUpdate({
        taskId,
        contextId,
        artifact: {
          artifactId: randomUUID(),
          name: "answer",
          description: "",
          parts: [part],
          metadata: undefined,
          extensions: [],
        },
        append: false,
        lastChunk: true,
        metadata: undefined,
      }),
    );
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: { state: TaskState.TASK_STATE_COMPLETED, message: reply, timestamp: now() },
        metadata: undefined,
      }),
    );
    bus.finished();
  },
  cancelTask: async () => {},
};

const app = express();
const server = app.listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const card: AgentCard = {
  name: "SDK echo",
  description: "echo",
  supportedInterfaces: [
    { url: `${url}/a2a`, protocolBinding: "JSONRPC", tenant: "", protocolVersion: A2A_PROTOCOL_VERSION },
  ],
  provider: undefined,
  version: "1.0.0",
  capabilities: { streaming: true, pushNotifications: false, extensions: [] },
  securitySchemes: {},
  securityRequirements: [],
  defaultInputModes: ["text"],
  defaultOutputModes: ["text"],
  skills: [],
  signatures: [],
};
const requestHandler = new DefaultRequestHandler(card, new InMemoryTaskStore(), echo);
app.use(
  "/a2a",
  jsonRpcHandler({ requestHandler, userBuilder: UserBuilder.noAuthentication, legacyCompat: { enabled: true } }),
);
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
