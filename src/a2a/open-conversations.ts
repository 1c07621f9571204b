import type { Config } from "../config/schema.ts";
import type { SharedDatabase } from "../postgres/shared-database.ts";
import { SessionStore } from "../session/store.ts";
import type { SharedConversations } from "./shared-conversations.ts";

/** The contexts' conversations in the shared PostgreSQL database, or undefined (SQLite: the data dir's sessions are the truth). */
export async function openConversations(
  database: SharedDatabase | undefined,
  dataDir: string,
  config: Config,
): Promise<SharedConversations | undefined> {
  // `[session] auto_save = false`: conversations are not kept anywhere, so not in the database either.
  if (!database || !config.session.auto_save) return undefined;
  const { PostgresConversations } = await import("./postgres-conversations.ts");
  return new PostgresConversations(database.pool, SessionStore.open(dataDir));
}
