import { randomUUID } from "node:crypto";
import { TaskPushNotificationConfig as PushConfigJson, type TaskPushNotificationConfig } from "@a2a-js/sdk";
import { RequestMalformedError } from "@a2a-js/sdk/errors";
import type { PushNotificationStore, ServerCallContext, StoredPushNotificationConfig } from "@a2a-js/sdk/server";
import { cachedStatement, openDatabase, type Database } from "../storage/database.ts";
import { webhookRefusal } from "./webhook-guard.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS a2a_push_configs (
  task_id TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, wire_version TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (task_id, id)
);`;

/**
 * Push notification configs in SQLite, with the A2A version each was registered over (0.3 webhooks keep
 * getting 0.3-shaped bodies). Webhook URLs are checked against the SSRF guard when saved.
 */
export class SqlitePushConfigStore implements PushNotificationStore {
  private readonly db: Database;

  constructor(
    dataDir: string,
    private readonly allowPrivate: boolean,
  ) {
    this.db = openDatabase(dataDir, { synchronous: "FULL" });
    this.db.exec(SCHEMA);
  }

  async save(taskId: string, context: ServerCallContext, config: TaskPushNotificationConfig): Promise<void> {
    const refusal = await webhookRefusal(config.url, this.allowPrivate);
    if (refusal) throw new RequestMalformedError(refusal);
    // The SDK reads the generated id back from the object it passed in.
    if (!config.id) config.id = randomUUID();
    config.taskId = taskId;
    cachedStatement(this.db, 
        `INSERT INTO a2a_push_configs (task_id, id, body, wire_version, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(task_id, id) DO UPDATE SET body = excluded.body, wire_version = excluded.wire_version`,
      )
      .run(taskId, config.id, JSON.stringify(PushConfigJson.toJSON(config)), context.requestedVersion, Date.now());
  }

  async load(taskId: string): Promise<TaskPushNotificationConfig[]> {
    return this.configsFor(taskId).map((c) => c.config);
  }

  async loadWithMetadata(taskId: string): Promise<StoredPushNotificationConfig[]> {
    return this.configsFor(taskId);
  }

  async delete(taskId: string, _context: ServerCallContext, configId?: string): Promise<void> {
    if (configId) cachedStatement(this.db, "DELETE FROM a2a_push_configs WHERE task_id = ? AND id = ?").run(taskId, configId);
    else cachedStatement(this.db, "DELETE FROM a2a_push_configs WHERE task_id = ?").run(taskId);
  }

  /** Synchronous, so the sender can queue deliveries in exactly the order events happen. */
  configsFor(taskId: string): StoredPushNotificationConfig[] {
    const rows = cachedStatement(this.db, "SELECT body, wire_version FROM a2a_push_configs WHERE task_id = ? ORDER BY created_at, id").all(taskId) as Array<{
      body: string;
      wire_version: string;
    }>;
    return rows.map((row) => ({ config: PushConfigJson.fromJSON(JSON.parse(row.body)), wireVersion: row.wire_version }));
  }
}
