import type { AgentBus } from "./agent-bus.ts";
import { isLagged, type BusEnvelope, type Correlation } from "./envelope.ts";
import { BusError, BusNoResponderError } from "./errors.ts";
import type { Subscription } from "./subscription.ts";
import { topics } from "./topics.ts";

export interface ToolRequest<A = unknown> {
  name: string;
  args: A;
}

export type ToolResponse<R = unknown> = { ok: true; result: R } | { ok: false; error: string };

export type ToolHandler<A = unknown, R = unknown> = (args: A, request: BusEnvelope<ToolRequest<A>>) => R | Promise<R>;

/** A tool that ran on the bus and failed; the message is the host's one-line error. */
export class BusToolError extends BusError {
  override name = "BusToolError";
  constructor(
    readonly tool: string,
    reason: string,
  ) {
    super(`tool '${tool}' failed: ${reason}`);
  }
}

export interface ServeToolOptions {
  /** Sender name on responses; defaults to `tool:{name}`. */
  sender?: string;
  queueSize?: number;
}

const TOOL_HOSTS_QUEUE = "tool-hosts";

/** Hosts a tool on `tools.{name}`: each `tool_request` runs the handler and gets a `tool_response`. Close to stop. */
export function serveTool<A, R>(
  bus: AgentBus,
  name: string,
  handler: ToolHandler<A, R>,
  options: ServeToolOptions = {},
): Subscription {
  const sender = options.sender ?? `tool:${name}`;
  const respond = async (request: BusEnvelope<ToolRequest<A>>): Promise<void> => {
    let payload: ToolResponse<R>;
    try {
      payload = { ok: true, result: await handler(request.payload.args, request) };
    } catch (error) {
      payload = { ok: false, error: error instanceof Error ? error.message.split("\n")[0]! : String(error) };
    }
    if (!subscription.closed)
      bus.reply(request, { kind: "tool_response", sender, payload, correlation: request.correlation });
  };
  const subscription = bus.subscribe(topics.tool(name), {
    queueSize: options.queueSize,
    // Hosts of one tool form a queue group: each call runs on one of them, not on all.
    queue: TOOL_HOSTS_QUEUE,
    onDelivery: (delivery) => {
      // Not awaited: calls run concurrently, a slow one does not hold the others up.
      if (!isLagged(delivery) && delivery.kind === "tool_request" && delivery.replyTo) {
        void respond(delivery as BusEnvelope<ToolRequest<A>>);
      }
    },
  });
  return subscription;
}

export interface CallToolOptions {
  timeoutMs?: number;
  sender?: string;
  correlation?: Correlation;
}

/** Calls a tool hosted anywhere on the bus; resolves with its result or throws its error. */
export async function callTool<R = unknown, A = unknown>(
  bus: AgentBus,
  name: string,
  args: A,
  options: CallToolOptions = {},
): Promise<R> {
  let reply: BusEnvelope<ToolResponse<R>>;
  try {
    reply = await bus.request<ToolResponse<R>, ToolRequest<A>>(
      {
        topic: topics.tool(name),
        kind: "tool_request",
        sender: options.sender ?? "anonymous",
        payload: { name, args },
        correlation: options.correlation,
      },
      { timeoutMs: options.timeoutMs },
    );
  } catch (error) {
    if (error instanceof BusNoResponderError) throw new BusToolError(name, "no agent serves this tool on the bus");
    throw error;
  }
  if (!reply.payload.ok) throw new BusToolError(name, reply.payload.error);
  return reply.payload.result;
}
