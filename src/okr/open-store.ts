import type { Config } from "../config/schema.ts";
import { storageSection } from "../postgres/config.ts";
import { SqliteOkrStore } from "./sqlite-store.ts";
import type { OkrStore } from "./store.ts";

/**
 * The OKR store: in PostgreSQL (migrated on open) with `[storage] url` / CODETETHER_DATABASE_URL, else
 * the data dir's SQLite. `pg` is loaded only when a URL is set. The caller closes it, which ends the pool.
 */
export async function openOkrStore(dataDir: string, config: Config): Promise<OkrStore> {
  const { url, timeout_secs } = storageSection(config);
  if (!url) return SqliteOkrStore.open(dataDir);
  const [{ openPostgresStorage }, { PostgresOkrStore }] = await Promise.all([
    import("../postgres/schema.ts"),
    import("./postgres-store.ts"),
  ]);
  // A command's pool: a few connections are plenty for one process.
  return new PostgresOkrStore(await openPostgresStorage({ url, max: 4, timeoutMs: timeout_secs * 1000 }));
}
