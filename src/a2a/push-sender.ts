import type { StreamResponse, Task } from "@a2a-js/sdk";
import { V03PushNotificationSerializer } from "@a2a-js/sdk/compat/v0_3/server";
import {
  V1PushNotificationSerializer,
  type PushNotificationSender,
  type PushNotificationSerializer,
} from "@a2a-js/sdk/server";
import type { PushConfigStore } from "./push-config-store.ts";
import type { ClaimedEntry, OutboxEntry, PushOutbox } from "./push-outbox.ts";
import { redactText } from "../util/redact.ts";
import { urlRefusal } from "./webhook-guard.ts";
import { postWebhook, publicOnlyLookup } from "./webhook-post.ts";

export interface PushDeliveryOptions {
  allowPrivate: boolean;
  /** Attempts per notification before it is dropped (with a log line). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

const SERIALIZERS: Record<string, PushNotificationSerializer> = {
  "0.3": new V03PushNotificationSerializer(),
  "1.0": new V1PushNotificationSerializer(),
};

/**
 * Push delivery with an outbox: every task update is queued durably for each of the task's webhooks (in
 * event order), then POSTed; a failed POST is retried with exponential backoff, and what is still queued
 * when the process stops is delivered after the restart — or, with a shared outbox, by another replica.
 * So delivery is at least once, and in order per webhook. Sends `Authorization: <scheme> <credentials>`
 * (1.0) and the token header (0.3).
 */
export class OutboxPushSender implements PushNotificationSender {
  private readonly options: Required<PushDeliveryOptions>;
  /**
   * The SDK does not wait for `send`: a task's updates are queued one after another, so they keep their order
   * (a webhook belongs to one task). Tasks do not wait for each other: each has its own chain while it has any.
   */
  private readonly queues = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly poll: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private readonly inFlight = new Set<AbortController>();

  constructor(
    private readonly configs: PushConfigStore,
    private readonly outbox: PushOutbox,
    options: PushDeliveryOptions,
  ) {
    this.options = {
      maxAttempts: 8,
      baseDelayMs: 500,
      maxDelayMs: 60_000,
      timeoutMs: 15_000,
      log: () => {},
      ...options,
    };
    if (outbox.pollIntervalMs !== undefined) this.poll = setInterval(() => this.kick(), outbox.pollIntervalMs).unref();
  }

  /** Queues the update for every webhook of its task; resolves once it is durably queued. */
  send(update: StreamResponse, _context: unknown, task?: Task): Promise<void> {
    const taskId = taskIdOf(update);
    if (!taskId) return Promise.resolve();
    const queued = (this.queues.get(taskId) ?? Promise.resolve()).then(async () => {
      const entries: OutboxEntry[] = [];
      for (const { config, wireVersion } of await this.configs.loadWithMetadata(taskId)) {
        const { body, contentType } = (SERIALIZERS[wireVersion] ?? SERIALIZERS["1.0"]!).serialize(update, task);
        const headers: Record<string, string> = { "content-type": contentType };
        if (config.authentication?.scheme)
          headers.authorization = `${config.authentication.scheme} ${config.authentication.credentials}`.trim();
        if (config.token) headers["x-a2a-notification-token"] = config.token;
        entries.push({ taskId, configId: config.id, url: config.url, headers, body: redactText(body) });
      }
      if (entries.length === 0) return;
      await this.outbox.enqueue(entries);
      this.kick();
    });
    // A failed update is reported to its caller; the next one is queued all the same.
    const tail = queued.catch(() => undefined);
    this.queues.set(taskId, tail);
    void tail.then(() => {
      if (this.queues.get(taskId) === tail) this.queues.delete(taskId);
    });
    return queued;
  }

  /** Starts delivering whatever the outbox holds (also what an earlier process left behind). */
  kick(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.pumping = this.pump()
      .catch((error: Error) => this.options.log(`push delivery paused: ${error.message}`))
      .finally(() => {
        this.pumping = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        } else this.scheduleNext();
      });
  }

  /** Waits for the updates being queued, then stops retrying; undelivered notifications stay in the outbox. */
  async close(): Promise<void> {
    await Promise.all(this.queues.values());
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.poll);
    for (const controller of this.inFlight) controller.abort();
    await this.pumping;
  }

  /** Delivers the oldest due notification of every webhook, in parallel across webhooks, until none is due. */
  private async pump(): Promise<void> {
    while (!this.closed) {
      const heads = await this.outbox.claimDue();
      if (heads.length === 0) return;
      await Promise.all(heads.map((entry) => this.deliver(entry)));
    }
  }

  private async deliver(entry: ClaimedEntry): Promise<void> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.options.timeoutMs);
    let failure: string | undefined;
    try {
      const refusal = urlRefusal(entry.url, this.options.allowPrivate);
      if (refusal) return await this.drop(entry, refusal);
      // A name is resolved once, by the connection, which refuses private addresses; a name that does not
      // resolve (DNS can fail for a moment) is a failure to retry.
      const lookup = this.options.allowPrivate ? undefined : publicOnlyLookup;
      const status = await postWebhook(entry.url, entry.headers, entry.body, controller.signal, lookup);
      if (status < 200 || status >= 300) failure = `HTTP ${status}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EPRIVATE") return await this.drop(entry, (error as Error).message);
      failure = (error as Error).message;
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
    if (this.closed && failure) return;
    if (!failure) return await this.outbox.remove(entry.seq);
    const attempts = entry.attempts + 1;
    if (attempts >= this.options.maxAttempts) return await this.drop(entry, `${failure} after ${attempts} attempts`);
    const delay = Math.min(this.options.baseDelayMs * 2 ** (attempts - 1), this.options.maxDelayMs);
    await this.outbox.retryLater(entry.seq, attempts, delay, failure);
  }

  private async drop(entry: ClaimedEntry, reason: string): Promise<void> {
    await this.outbox.remove(entry.seq);
    // The origin only: a webhook's path or query often is its secret.
    this.options.log(`push notification for task ${entry.taskId} to ${originOf(entry.url)} dropped: ${reason}`);
  }

  private scheduleNext(): void {
    if (this.closed) return;
    this.outbox.nextDueInMs().then(
      (ms) => {
        if (ms === undefined || this.closed || this.pumping) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.kick(), ms);
        this.timer.unref();
      },
      (error: Error) => this.options.log(`push delivery paused: ${error.message}`),
    );
  }
}

function taskIdOf(update: StreamResponse): string {
  const payload = update.payload;
  if (!payload) return "";
  if (payload.$case === "task") return payload.value.id;
  return payload.value.taskId;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid URL)";
  }
}
