import { createHmac, randomBytes } from "node:crypto";
import { privateDir } from "../storage/private-files.ts";
import { readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { rememberSecret } from "../util/redact.ts";

export interface AuthToken {
  token: string;
  /** Where it came from: the environment, the token file of an earlier start, or generated now. */
  source: "env" | "file" | "generated";
  /** The token file, when the token lives in one. */
  path?: string;
}

/**
 * The bearer token every protected route and RPC requires: `CODETETHER_AUTH_TOKEN`, else the one saved
 * in `<data dir>/auth-token` by an earlier start, else a new HMAC-SHA256 token (random key over the
 * hostname and the time) written there with mode 0600. There is deliberately no way to run without one.
 */
export function resolveAuthToken(dataDir: string, env = process.env): AuthToken {
  const auth = findAuthToken(dataDir, env);
  rememberSecret(auth.token);
  return auth;
}

function findAuthToken(dataDir: string, env: NodeJS.ProcessEnv): AuthToken {
  const fromEnv = env.CODETETHER_AUTH_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: "env" };
  const path = join(dataDir, "auth-token");
  const saved = readSaved(path);
  if (saved) return { token: saved, source: "file", path };
  const token = createHmac("sha256", randomBytes(32)).update(`${hostname()}:${Date.now()}`).digest("hex");
  privateDir(dataDir);
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return { token, source: "generated", path };
}

/** The token a serve on `dataDir` uses, if it has one already (never generates one): for local clients. */
export function existingAuthToken(dataDir: string, env = process.env): string | undefined {
  return env.CODETETHER_AUTH_TOKEN?.trim() || readSaved(join(dataDir, "auth-token"));
}

function readSaved(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
