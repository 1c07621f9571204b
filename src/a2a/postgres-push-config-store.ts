import type { TaskPushNotificationConfig } from "@a2a-js/sdk";
import type { ServerCallContext, StoredPushNotificationConfig } from "@a2a-js/sdk/server";
import type { Pool } from "pg";
import { checkedConfigRow, storedConfig, type PushConfigStore } from "./push-config-store.ts";

/**
 * Push notification configs in PostgreSQL (`a2a_push_configs`, migration 4): every replica sees a config
 * set on any of them, and the task's replica sends to it. `save` resolves once committed.
 */
export class PostgresPushConfigStore implements PushConfigStore {
  constructor(
    private readonly pool: Pool,
    private readonly allowPrivate: boolean,
  ) {}

  async save(taskId: string, context: ServerCallContext, config: TaskPushNotificationConfig): Promise<void> {
    const row = await checkedConfigRow(taskId, context, config, this.allowPrivate);
    await this.pool.query(
      `INSERT INTO a2a_push_configs (task_id, id, body, wire_version, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (task_id, id) DO UPDATE SET body = excluded.body, wire_version = excluded.wire_version`,
      [row.taskId, row.id, row.body, row.wireVersion, Date.now()],
    );
  }

  async load(taskId: string): Promise<TaskPushNotificationConfig[]> {
    return (await this.loadWithMetadata(taskId)).map((c) => c.config);
  }

  async loadWithMetadata(taskId: string): Promise<StoredPushNotificationConfig[]> {
    const { rows } = await this.pool.query<{ body: string; wire_version: string }>(
      // First-saved order: two saves within one millisecond share created_at, never seq.
      "SELECT body, wire_version FROM a2a_push_configs WHERE task_id = $1 ORDER BY seq",
      [taskId],
    );
    return rows.map(storedConfig);
  }

  async delete(taskId: string, _context: ServerCallContext, configId?: string): Promise<void> {
    if (configId)
      await this.pool.query("DELETE FROM a2a_push_configs WHERE task_id = $1 AND id = $2", [taskId, configId]);
    else await this.pool.query("DELETE FROM a2a_push_configs WHERE task_id = $1", [taskId]);
  }
}
