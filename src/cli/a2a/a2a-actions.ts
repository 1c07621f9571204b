import { Role, TaskState, type Message, type Task } from "@a2a-js/sdk";
import { randomUUID } from "node:crypto";
import { connectA2A, type Connection, type TransportName } from "../../a2a/client.ts";
import { textPart } from "../../a2a/messages.ts";
import { dataDir } from "../../config/paths.ts";
import { UserError } from "../../contracts/errors.ts";
import { resolvePeerToken } from "../../peers/peer-token.ts";
import { json, printCard, printTask, streamPrinter } from "./print-task.ts";

export interface PeerOptions {
  token?: string;
  transport?: "jsonrpc" | "rest" | "grpc";
  json?: boolean;
}

export interface SendOptions extends PeerOptions {
  stream?: boolean;
  context?: string;
  task?: string;
}

const BINDINGS: Record<NonNullable<PeerOptions["transport"]>, TransportName> = {
  jsonrpc: "JSONRPC",
  rest: "HTTP+JSON",
  grpc: "GRPC",
};
const FAILED = new Set([TaskState.TASK_STATE_FAILED, TaskState.TASK_STATE_CANCELED, TaskState.TASK_STATE_REJECTED]);

async function connect(url: string, options: PeerOptions): Promise<Connection> {
  // As `peers` does; the local serve's own token file only for an agent on this machine.
  const token = resolvePeerToken({ explicit: options.token, dataDir: isLoopback(url) ? dataDir() : undefined });
  try {
    return await connectA2A(url, { token, transport: options.transport ? BINDINGS[options.transport] : undefined });
  } catch (error) {
    throw new UserError(`cannot use the agent at ${url}: ${(error as Error).message}`);
  }
}

/** Runs a call; protocol errors (task not found, not cancelable, 401…) become one-line user errors. */
async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new UserError(`${what} failed: ${(error as Error).message.split("\n")[0]}`);
  }
}

export async function cardAction(url: string, options: { token?: string; json?: boolean }): Promise<void> {
  const { card } = await connect(url, options);
  if (options.json) json.card(card);
  else printCard(card);
}

export async function sendAction(url: string, text: string, options: SendOptions): Promise<void> {
  const { client } = await connect(url, options);
  const message: Message = {
    messageId: randomUUID(),
    contextId: options.context ?? "",
    taskId: options.task ?? "",
    role: Role.ROLE_USER,
    parts: [textPart(text)],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
  const request = { tenant: "", message, configuration: undefined, metadata: undefined };
  let task: Task | undefined;
  if (options.stream) {
    // Followed in --json mode too: the exit code is the task's last state.
    const printer = streamPrinter(!options.json);
    await call("send", async () => {
      for await (const event of client.sendMessageStream(request)) {
        if (options.json) json.event(event);
        printer.event(event);
      }
    });
    task = printer.last();
    if (!options.json && task) {
      if (printer.wroteText()) process.stdout.write("\n");
      printTask(task, !printer.wroteText());
    }
  } else {
    const result = await call("send", () => client.sendMessage(request));
    if (!("status" in result)) {
      // A direct reply: the agent answered with a message instead of a task.
      if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else
        process.stdout.write(
          `${result.parts.map((p) => (p.content?.$case === "text" ? p.content.value : "")).join("")}\n`,
        );
      return;
    }
    task = result;
    if (options.json) json.task(task);
    else printTask(task);
  }
  if (task?.status && FAILED.has(task.status.state)) process.exitCode = 1;
}

export async function getAction(url: string, taskId: string, options: PeerOptions): Promise<void> {
  const { client } = await connect(url, options);
  const task = await call("get", () => client.getTask({ tenant: "", id: taskId, historyLength: undefined }));
  if (options.json) json.task(task);
  else printTask(task);
}

export async function cancelAction(url: string, taskId: string, options: PeerOptions): Promise<void> {
  const { client } = await connect(url, options);
  const task = await call("cancel", () => client.cancelTask({ tenant: "", id: taskId, metadata: undefined }));
  if (options.json) json.task(task);
  else printTask(task, false);
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "localhost" || host === "[::1]" || /^127\./.test(host);
  } catch {
    return false; // connect reports the bad URL
  }
}
