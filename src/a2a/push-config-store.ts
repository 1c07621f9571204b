import { randomUUID } from "node:crypto";
import { TaskPushNotificationConfig as PushConfigJson, type TaskPushNotificationConfig } from "@a2a-js/sdk";
import { RequestMalformedError } from "@a2a-js/sdk/errors";
import type { PushNotificationStore, ServerCallContext, StoredPushNotificationConfig } from "@a2a-js/sdk/server";
import { cachedStatement, openDatabase, type Database } from "../storage/database.ts";
import { webhookRefusal } from "./webhook-guard.ts";

/**
 * Push notification configs, with the A2A version each was registered over (0.3 webhooks keep getting
 * 0.3-shaped bodies): SQLite (`SqlitePushConfigStore`) or PostgreSQL (`PostgresPushConfigStore`, with
 * `[storage] url`). `save` resolves once the config is durable: the SDK's answer to the client follows it.
 */
export interface PushConfigStore extends PushNotificationStore {
  /** The task's configs in the order they were first saved. */
  loadWithMetadata(taskId: string, context?: ServerCallContext): Promise<StoredPushNotificationConfig[]>;
}

/** A config as stored: its body as ProtoJSON. */
export interface PushConfigRow {
  taskId: string;
  id: string;
  body: string;
  wireVersion: string;
}

/**
 * Checks the webhook URL against the SSRF guard and gives the config its id (the SDK reads a generated
 * id back from the object it passed in) and task; the row to store.
 */
export async function checkedConfigRow(
  taskId: string,
  context: ServerCallContext,
  config: TaskPushNotificationConfig,
  allowPrivate: boolean,
): Promise<PushConfigRow> {
  const refusal = await webhookRefusal(config.url, allowPrivate);
  if (refusal) throw new RequestMalformedError(refusal);
  if (!config.id) config.id = randomUUID();
  config.taskId = taskId;
  return {
    taskId,
    id: config.id,
    body: JSON.stringify(PushConfigJson.toJSON(config)),
    wireVersion: context.requestedVersion,
  };
}

export function storedConfig(row: { body: string; wire_version: string }): StoredPushNotificationConfig {
  return { config: PushConfigJson.fromJSON(JSON.parse(row.body)), wireVersion: row.wire_version };
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS a2a_push_configs (
  task_id TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, wire_version TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (task_id, id)
);`;

/**
 * The tasks that have configs, per connection (one serve per data dir, so its stores see every write):
 * every update of every task asks for its configs, and most tasks have none.
 */
const tasksWithConfigs = new WeakMap<Database, Set<string>>();

/** Push notification configs in the data dir's SQLite database. */
export class SqlitePushConfigStore implements PushConfigStore {
  private readonly db: Database;
  private readonly withConfigs: Set<string>;

  constructor(
    dataDir: string,
    private readonly allowPrivate: boolean,
  ) {
    this.db = openDatabase(dataDir, { synchronous: "FULL" });
    this.db.exec(SCHEMA);
    let known = tasksWithConfigs.get(this.db);
    if (!known) {
      const rows = this.db.prepare("SELECT DISTINCT task_id FROM a2a_push_configs").all() as Array<{ task_id: string }>;
      tasksWithConfigs.set(this.db, (known = new Set(rows.map((row) => row.task_id))));
    }
    this.withConfigs = known;
  }

  async save(taskId: string, context: ServerCallContext, config: TaskPushNotificationConfig): Promise<void> {
    const row = await checkedConfigRow(taskId, context, config, this.allowPrivate);
    cachedStatement(
      this.db,
      `INSERT INTO a2a_push_configs (task_id, id, body, wire_version, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(task_id, id) DO UPDATE SET body = excluded.body, wire_version = excluded.wire_version`,
    ).run(row.taskId, row.id, row.body, row.wireVersion, Date.now());
    this.withConfigs.add(row.taskId);
  }

  async load(taskId: string): Promise<TaskPushNotificationConfig[]> {
    return (await this.loadWithMetadata(taskId)).map((c) => c.config);
  }

  async loadWithMetadata(taskId: string): Promise<StoredPushNotificationConfig[]> {
    if (!this.withConfigs.has(taskId)) return [];
    const rows = cachedStatement(
      this.db,
      // First-saved order: two saves within one millisecond share created_at, never the rowid (kept by upserts).
      "SELECT body, wire_version FROM a2a_push_configs WHERE task_id = ? ORDER BY rowid",
    ).all(taskId) as Array<{ body: string; wire_version: string }>;
    return rows.map(storedConfig);
  }

  async delete(taskId: string, _context: ServerCallContext, configId?: string): Promise<void> {
    if (configId)
      cachedStatement(this.db, "DELETE FROM a2a_push_configs WHERE task_id = ? AND id = ?").run(taskId, configId);
    else cachedStatement(this.db, "DELETE FROM a2a_push_configs WHERE task_id = ?").run(taskId);
    if (!cachedStatement(this.db, "SELECT 1 FROM a2a_push_configs WHERE task_id = ? LIMIT 1").get(taskId))
      this.withConfigs.delete(taskId);
  }
}
