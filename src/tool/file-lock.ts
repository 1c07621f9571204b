const tails = new Map<string, Promise<void>>();

/**
 * Runs `fn` once every earlier call for any of the same files has finished. A step's tool calls run in
 * parallel, and models often send several edits of one file at once: each reads, changes and writes
 * the whole file, so without this only the last edit would survive.
 */
export async function withFileLocks<T>(paths: string[], fn: () => Promise<T>): Promise<T> {
  const unique = [...new Set(paths)];
  const before = Promise.all(unique.map((path) => tails.get(path)));
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  for (const path of unique) tails.set(path, mine);
  try {
    await before;
    return await fn();
  } finally {
    release();
    for (const path of unique) if (tails.get(path) === mine) tails.delete(path);
  }
}
