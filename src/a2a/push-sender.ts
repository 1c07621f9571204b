import type { StreamResponse, Task } from "@a2a-js/sdk";
import { V03PushNotificationSerializer } from "@a2a-js/sdk/compat/v0_3/server";
import { V1PushNotificationSerializer, type PushNotificationSender, type PushNotificationSerializer } from "@a2a-js/sdk/server";
import { cachedStatement, openDatabase, type Database } from "../storage/database.ts";
import type { SqlitePushConfigStore } from "./push-config-store.ts";
import { urlRefusal } from "./webhook-guard.ts";
import { postWebhook, publicOnlyLookup } from "./webhook-post.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS a2a_push_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL, config_id TEXT NOT NULL, url TEXT NOT NULL,
  headers TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, last_error TEXT
);`;

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

interface OutboxRow {
  seq: number;
  task_id: string;
  config_id: string;
  url: string;
  headers: string;
  body: string;
  attempts: number;
}

const SERIALIZERS: Record<string, PushNotificationSerializer> = { "0.3": new V03PushNotificationSerializer(), "1.0": new V1PushNotificationSerializer() };

/**
 * Push delivery with an outbox: every task update is written to SQLite for each of the task's webhooks
 * (in event order), then POSTed; a failed POST is retried with exponential backoff, and what is still
 * queued when the process stops is delivered after the restart. So delivery is at least once, and in
 * order per webhook. Sends `Authorization: <scheme> <credentials>` (1.0) and the token header (0.3).
 */
export class OutboxPushSender implements PushNotificationSender {
  private readonly db: Database;
  private readonly options: Required<PushDeliveryOptions>;
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private readonly inFlight = new Set<AbortController>();

  constructor(
    dataDir: string,
    private readonly configs: SqlitePushConfigStore,
    options: PushDeliveryOptions,
  ) {
    this.db = openDatabase(dataDir, { synchronous: "FULL" });
    this.db.exec(SCHEMA);
    this.options = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 60_000, timeoutMs: 15_000, log: () => {}, ...options };
  }

  /** Queues the update for every webhook of its task; returns once it is durably queued. */
  async send(update: StreamResponse, _context: unknown, task?: Task): Promise<void> {
    const taskId = taskIdOf(update);
    if (!taskId) return;
    const insert = cachedStatement(this.db, "INSERT INTO a2a_push_outbox (task_id, config_id, url, headers, body, next_at) VALUES (?, ?, ?, ?, ?, ?)");
    for (const { config, wireVersion } of this.configs.configsFor(taskId)) {
      const { body, contentType } = (SERIALIZERS[wireVersion] ?? SERIALIZERS["1.0"]!).serialize(update, task);
      const headers: Record<string, string> = { "content-type": contentType };
      if (config.authentication?.scheme) headers.authorization = `${config.authentication.scheme} ${config.authentication.credentials}`.trim();
      if (config.token) headers["x-a2a-notification-token"] = config.token;
      insert.run(taskId, config.id, config.url, JSON.stringify(headers), body, Date.now());
    }
    this.kick();
  }

  /** Starts delivering whatever the outbox holds (also what an earlier process left behind). */
  kick(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      } else this.scheduleNext();
    });
  }

  /** Stops retrying; undelivered notifications stay in the outbox for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    for (const controller of this.inFlight) controller.abort();
    await this.pumping;
  }

  /** Delivers the oldest due notification of every webhook, in parallel across webhooks, until none is due. */
  private async pump(): Promise<void> {
    while (!this.closed) {
      const heads = cachedStatement(this.db, 
          `SELECT o.* FROM a2a_push_outbox o JOIN (SELECT task_id, config_id, url, min(seq) AS seq FROM a2a_push_outbox GROUP BY task_id, config_id, url) h
           ON o.seq = h.seq WHERE o.next_at <= ? ORDER BY o.seq`,
        )
        .all(Date.now()) as OutboxRow[];
      if (heads.length === 0) return;
      await Promise.all(heads.map((row) => this.deliver(row)));
    }
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.options.timeoutMs);
    let failure: string | undefined;
    try {
      const refusal = urlRefusal(row.url, this.options.allowPrivate);
      if (refusal) return this.drop(row, refusal);
      // A name is resolved once, by the connection, which refuses private addresses; a name that does not
      // resolve (DNS can fail for a moment) is a failure to retry.
      const lookup = this.options.allowPrivate ? undefined : publicOnlyLookup;
      const status = await postWebhook(row.url, JSON.parse(row.headers) as Record<string, string>, row.body, controller.signal, lookup);
      if (status < 200 || status >= 300) failure = `HTTP ${status}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EPRIVATE") return this.drop(row, (error as Error).message);
      failure = (error as Error).message;
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
    if (this.closed && failure) return;
    if (!failure) return void cachedStatement(this.db, "DELETE FROM a2a_push_outbox WHERE seq = ?").run(row.seq);
    const attempts = row.attempts + 1;
    if (attempts >= this.options.maxAttempts) return this.drop(row, `${failure} after ${attempts} attempts`);
    const delay = Math.min(this.options.baseDelayMs * 2 ** (attempts - 1), this.options.maxDelayMs);
    cachedStatement(this.db, "UPDATE a2a_push_outbox SET attempts = ?, next_at = ?, last_error = ? WHERE seq = ?").run(attempts, Date.now() + delay, failure, row.seq);
  }

  private drop(row: OutboxRow, reason: string): void {
    cachedStatement(this.db, "DELETE FROM a2a_push_outbox WHERE seq = ?").run(row.seq);
    this.options.log(`push notification for task ${row.task_id} to ${row.url} dropped: ${reason}`);
  }

  private scheduleNext(): void {
    if (this.closed) return;
    // Only queue heads can be sent: a row behind a head that is backing off must not wake the pump (a busy loop).
    const next = cachedStatement(
      this.db,
      "SELECT min(o.next_at) AS at FROM a2a_push_outbox o JOIN (SELECT min(seq) AS seq FROM a2a_push_outbox GROUP BY task_id, config_id, url) h ON o.seq = h.seq",
    ).get() as { at: number | null };
    if (next.at === null) return;
    this.timer = setTimeout(() => this.kick(), Math.max(0, next.at - Date.now()));
    this.timer.unref();
  }
}

function taskIdOf(update: StreamResponse): string {
  const payload = update.payload;
  if (!payload) return "";
  if (payload.$case === "task") return payload.value.id;
  return payload.value.taskId;
}
