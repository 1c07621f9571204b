import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { openOkrStore } from "../../okr/open-store.ts";
import { OkrService } from "../../okr/service.ts";

/** Runs `work` on the configured OKR store (SQLite or PostgreSQL), closed after it so the process can exit. */
export async function withOkrService<T>(work: (service: OkrService) => Promise<T>, configPath?: string): Promise<T> {
  const store = await openOkrStore(dataDir(), loadConfig(configPath).config);
  try {
    return await work(new OkrService(store));
  } finally {
    await store.close();
  }
}
