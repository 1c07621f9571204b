import { ServerCallContext } from "@a2a-js/sdk/server";
import * as errors from "@a2a-js/sdk/errors";
import type { AgentBus } from "../bus/agent-bus.ts";
import type { BusEnvelope } from "../bus/envelope.ts";
import { BusNoResponderError, BusTimeoutError } from "../bus/errors.ts";
import { topics } from "../bus/topics.ts";

/** Long enough for the owner to stop a canceled run (its executor waits up to 5 s) and store the end. */
export const REPLICA_REQUEST_TIMEOUT_MS = 20_000;

/** What a forwarded call runs with on the owner: tasks are scoped by tenant and user, push configs keep the version. */
interface CallScope {
  tenant?: string;
  user?: string;
  version: string;
  extensions?: string[];
}

/** What one replica asks the replica running a task to do with it. */
export type ReplicaRequest =
  | { op: "cancel"; taskId: string; scope: CallScope }
  /** `request` is a SendMessageRequest as ProtoJSON (bytes and enums survive the trip). */
  | { op: "send"; taskId: string; request: unknown; scope: CallScope };

type ReplicaReply = { ok: true } | { ok: false; error: { name: string; message: string } };

/** The owner's side: runs a forwarded call as if its client had sent it there; resolves once accepted. */
export interface ReplicaActions {
  cancel(taskId: string, context: ServerCallContext): Promise<unknown>;
  send(taskId: string, request: unknown, context: ServerCallContext): Promise<void>;
}

/**
 * Serve replicas sharing one database and one NATS bus reach each other here: each answers requests on
 * `replica.{its id}`, and forwards a call about a task another replica runs to that one.
 */
export class ReplicaLink {
  constructor(
    readonly bus: AgentBus,
    readonly replicaId: string,
    private readonly timeoutMs = REPLICA_REQUEST_TIMEOUT_MS,
  ) {}

  /**
   * Asks the owner to act on the task; "gone" when nothing listens on its subject any more (the process
   * stopped, so no run of the task is left). The owner's protocol error is rethrown as the same error.
   */
  async ask(owner: string, request: ReplicaRequest): Promise<"done" | "gone"> {
    let reply: BusEnvelope<ReplicaReply>;
    try {
      reply = await this.bus.request<ReplicaReply, ReplicaRequest>(
        { topic: topics.replica(owner), kind: "message", payload: request, sender: this.#sender },
        { timeoutMs: this.timeoutMs },
      );
    } catch (error) {
      if (error instanceof BusNoResponderError) return "gone";
      if (error instanceof BusTimeoutError) {
        throw new errors.A2AError(
          `task ${request.taskId} runs on replica ${owner}, which did not answer within ${this.timeoutMs} ms`,
        );
      }
      throw error;
    }
    if (!reply.payload.ok) throw rebuilt(reply.payload.error);
    return "done";
  }

  /** Answers the other replicas' requests until the returned function is called. */
  answer(actions: ReplicaActions): () => void {
    const subscription = this.bus.subscribe(topics.replica(this.replicaId), {
      onDelivery: (delivery) => {
        if (delivery.kind === "lagged") return;
        // Each request is answered on its own: a slow cancel must not hold up the next send.
        void this.#handle(delivery as BusEnvelope<ReplicaRequest>, actions);
      },
    });
    return () => subscription.close();
  }

  get #sender(): string {
    return `replica-${this.replicaId}`;
  }

  async #handle(envelope: BusEnvelope<ReplicaRequest>, actions: ReplicaActions): Promise<void> {
    let reply: ReplicaReply;
    try {
      const request = envelope.payload;
      const { tenant, user, version, extensions } = request.scope;
      const context = new ServerCallContext({
        tenant: tenant || undefined,
        user: user ? { isAuthenticated: true, userName: user } : undefined,
        requestedVersion: version,
        requestedExtensions: extensions,
      });
      if (request.op === "cancel") await actions.cancel(request.taskId, context);
      else if (request.op === "send") await actions.send(request.taskId, request.request, context);
      else throw new errors.RequestMalformedError(`unknown replica request '${(request as { op: string }).op}'`);
      reply = { ok: true };
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      reply = { ok: false, error: { name, message } };
    }
    try {
      this.bus.reply(envelope, { kind: "result", payload: reply, sender: this.#sender });
    } catch {
      // The asker is gone or the bus closed: it sees a timeout, nothing is left to do here.
    }
  }
}

/** The call's scope, to be run under on the owner. */
export function scopeOf(context: ServerCallContext): CallScope {
  return {
    tenant: context.tenant,
    user: context.user?.userName,
    version: context.requestedVersion,
    extensions: context.requestedExtensions,
  };
}

/** The owner's protocol error as the same SDK error class (so the client sees the same code); others as A2AError. */
function rebuilt(error: { name: string; message: string }): Error {
  const known = (errors as Record<string, unknown>)[error.name];
  const ErrorClass =
    typeof known === "function" && known.prototype instanceof errors.A2AError
      ? (known as new (message: string) => Error)
      : errors.A2AError;
  return new ErrorClass(error.message);
}
