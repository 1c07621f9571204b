import type { SharedDatabase } from "../postgres/shared-database.ts";
import type { DurableTaskStore } from "./durable-task-store.ts";
import { SqliteTaskStore } from "./task-store.ts";

/** Serve's A2A task store: in the shared PostgreSQL database when there is one, else the data dir's SQLite. */
export async function openTaskStore(dataDir: string, database: SharedDatabase | undefined): Promise<DurableTaskStore> {
  if (!database) return new SqliteTaskStore(dataDir);
  const { PostgresTaskStore } = await import("./postgres-task-store.ts");
  return new PostgresTaskStore(database.pool, database.lease, database.leaseTtlMs);
}
