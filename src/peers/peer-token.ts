import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The bearer token this agent presents to its peers (card paths are public; everything else needs the
 * peer's token): the explicit one (`--peer-token`), else `CODETETHER_PEER_TOKEN`, else this agent's own
 * token (`CODETETHER_AUTH_TOKEN` or `<data dir>/auth-token`) — peers started with one shared
 * `CODETETHER_AUTH_TOKEN` thus reach each other with no further setup. Never generates one.
 */
export function resolvePeerToken(
  options: { explicit?: string; dataDir?: string; env?: NodeJS.ProcessEnv } = {},
): string | undefined {
  const env = options.env ?? process.env;
  const candidates = [options.explicit, env.CODETETHER_PEER_TOKEN, env.CODETETHER_AUTH_TOKEN];
  const given = candidates.map((token) => token?.trim()).find(Boolean);
  if (given || !options.dataDir) return given;
  try {
    return readFileSync(join(options.dataDir, "auth-token"), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
