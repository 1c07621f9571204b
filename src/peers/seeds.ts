import { UserError } from "../contracts/errors.ts";

/**
 * The peer seed URLs: the given ones (`--peer`, repeatable), then `CODETETHER_A2A_PEERS`
 * (comma-separated), deduplicated, each checked to be an http(s) URL.
 */
export function peerSeeds(given: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = (env.CODETETHER_A2A_PEERS ?? "").split(",");
  const seeds = [...given, ...fromEnv].map((seed) => seed.trim()).filter(Boolean);
  return [...new Set(seeds.map(checkSeed))];
}

function checkSeed(seed: string): string {
  let url: URL;
  try {
    url = new URL(seed);
  } catch {
    throw new UserError(`invalid peer URL '${seed}': use e.g. http://localhost:4096/a2a`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UserError(`invalid peer URL '${seed}': only http and https peers are supported`);
  return seed.replace(/\/+$/, "");
}
