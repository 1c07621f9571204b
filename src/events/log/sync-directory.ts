import { open } from "node:fs/promises";

/** fsyncs a directory, so that the names of files just created in it survive a crash. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
