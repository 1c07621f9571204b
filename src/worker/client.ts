import type { AgentEvent } from "../contracts/agent-events.ts";
import type { Claim, HeartbeatReport, TaskRecord } from "../control-plane/types.ts";

/** A non-2xx answer of the control plane, with the message it gave. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpStatusError";
  }
}

/** 4xx answers are final (the request is wrong or the claim gone); network failures and 5xx are worth retrying. */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof HttpStatusError) || error.status >= 500 || error.status === 429;
}

export interface Registration {
  worker_id: string;
  name: string;
  hostname: string;
  capabilities: string[];
  workspaces: string[];
  max_concurrent_tasks: number;
  running_task_ids: string[];
}

export interface ReleaseBody {
  task_id: string;
  run_id: string;
  status: "completed" | "failed" | "cancelled" | "pending";
  result?: string;
  error?: string;
  session_id?: string;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** The worker's side of the control-plane protocol of another CodeTether `serve`. */
export class ControlPlaneClient {
  constructor(
    readonly server: string,
    private readonly token: string | undefined,
    readonly workerId: string,
  ) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { "x-worker-id": this.workerId, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...extra };
  }

  register(registration: Registration): Promise<{ worker_id: string }> {
    return this.#post("/v1/agent/workers/register", registration);
  }

  heartbeat(report: HeartbeatReport): Promise<{ cancel_task_ids: string[] }> {
    return this.#post(`/v1/agent/workers/${encodeURIComponent(this.workerId)}/heartbeat`, report);
  }

  claim(taskId: string): Promise<Claim> {
    return this.#post("/v1/worker/tasks/claim", { task_id: taskId });
  }

  release(body: ReleaseBody): Promise<{ task: TaskRecord }> {
    return this.#post("/v1/worker/tasks/release", body);
  }

  output(body: { task_id: string; run_id: string; batch: number; events: AgentEvent[] }): Promise<{ cancel: boolean }> {
    return this.#post("/v1/worker/tasks/output", body);
  }

  /** Opens the SSE task stream after the given event id; the caller reads and closes the body. */
  async openTaskStream(afterSeq: number, signal: AbortSignal): Promise<Response> {
    const headers = this.headers({
      accept: "text/event-stream",
      ...(afterSeq > 0 ? { "last-event-id": String(afterSeq) } : {}),
    });
    const response = await fetch(`${this.server}/v1/worker/tasks/stream`, { headers, signal });
    if (!response.ok) throw await statusError(response);
    return response;
  }

  async #post<T>(path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.server}${path}`, {
      method: "POST",
      headers: this.headers({ "content-type": "application/json" }),
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) throw await statusError(response);
    return (await response.json()) as T;
  }
}

async function statusError(response: Response): Promise<HttpStatusError> {
  const text = await response.text().catch(() => "");
  let message = text.trim().slice(0, 300) || response.statusText;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } | string };
    message = typeof parsed.error === "string" ? parsed.error : (parsed.error?.message ?? message);
  } catch {
    // Not JSON: the raw text is the message.
  }
  return new HttpStatusError(response.status, `${response.status}: ${message}`);
}
