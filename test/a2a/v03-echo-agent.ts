// A spec-0.3 agent built on @a2a-js/sdk 0.3.14 (no auth): it echoes the message as a completed task.
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import express from "express";
import type { AgentCard, Message } from "a2a-sdk-v03";
import { DefaultRequestHandler, InMemoryTaskStore, type AgentExecutor } from "a2a-sdk-v03/server";
import { agentCardHandler, jsonRpcHandler, UserBuilder } from "a2a-sdk-v03/server/express";

const echo: AgentExecutor = {
  execute: async (context, bus) => {
    const text = context.userMessage.parts.map((p) => (p.kind === "text" ? p.text : "")).join("");
    const reply: Message = {
      kind: "message",
      messageId: randomUUID(),
      role: "agent",
      parts: [{ kind: "text", text: `echo: ${text}` }],
      taskId: context.taskId,
      contextId: context.contextId,
    };
    bus.publish({
      kind: "task",
      id: context.taskId,
      contextId: context.contextId,
      status: { state: "completed", message: reply, timestamp: new Date().toISOString() },
      history: [context.userMessage],
    });
    bus.finished();
  },
  cancelTask: async () => {},
};

export async function startV03EchoAgent(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const card: AgentCard = {
    name: "Echo 0.3",
    description: "echoes",
    url: `${url}/rpc`,
    protocolVersion: "0.3.0",
    version: "1.0.0",
    preferredTransport: "JSONRPC",
    capabilities: { streaming: true },
    defaultInputModes: ["text"],
    defaultOutputModes: ["text"],
    skills: [{ id: "echo", name: "Echo", description: "echoes", tags: ["echo"] }],
  };
  const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), echo);
  app.use("/.well-known/agent-card.json", agentCardHandler({ agentCardProvider: handler }));
  app.use("/rpc", jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
