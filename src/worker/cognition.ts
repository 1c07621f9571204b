import { dataDir } from "../config/paths.ts";
import { existingAuthToken } from "../server/auth-token.ts";
import { envFlag, positiveNumber } from "../util/env-values.ts";

/** Cognition sharing in heartbeats (the seed's "social by default" table). */
export interface CognitionSharing {
  enabled: boolean;
  sourceUrl: string;
  includeThoughts: boolean;
  thoughtMaxChars: number;
  timeoutMs: number;
}

export function cognitionSharingFromEnv(env: NodeJS.ProcessEnv): CognitionSharing {
  const prefix = "CODETETHER_WORKER_COGNITION_";
  return {
    enabled: envFlag(env, `${prefix}SHARE_ENABLED`, true),
    sourceUrl: (env[`${prefix}SOURCE_URL`]?.trim() || "http://127.0.0.1:4096").replace(/\/+$/, ""),
    includeThoughts: envFlag(env, `${prefix}INCLUDE_THOUGHTS`, true),
    thoughtMaxChars: positiveNumber(env[`${prefix}THOUGHT_MAX_CHARS`], `${prefix}THOUGHT_MAX_CHARS`, 480, {
      integer: true,
    }),
    timeoutMs: positiveNumber(env[`${prefix}TIMEOUT_MS`], `${prefix}TIMEOUT_MS`, 2500, { integer: true }),
  };
}

/**
 * The token to read the cognition source with. The serve the worker works for gets the worker's token;
 * any other source (by default a local `codetether serve` on 127.0.0.1:4096) gets that serve's own token
 * (CODETETHER_AUTH_TOKEN, else its data dir's token file): the upstream token never goes elsewhere.
 */
export function cognitionSourceToken(
  sourceUrl: string,
  server: string,
  serverToken: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  try {
    if (new URL(sourceUrl).origin === new URL(server).origin) return serverToken;
    return existingAuthToken(dataDir(env), env);
  } catch {
    return undefined; // a bad source URL or an unreadable token file: that read fails, the beat goes on
  }
}

/** What a heartbeat carries: the status's scalar fields and, when allowed, the truncated latest thought. */
export interface CognitionReport {
  source: string;
  status: Record<string, string | number | boolean | null>;
  latest_thought?: string;
}

const MAX_STATUS_STRING = 200;

/**
 * Reads `GET {source}/v1/cognition/status` within the timeout. Any failure (disabled, refused, slow,
 * non-2xx, not JSON) yields undefined: the heartbeat then goes out without the field, never fails.
 * The latest thought is the status's `latest_thought` (a string, or an object with `content`/`text`).
 */
export async function readCognition(sharing: CognitionSharing, token?: string): Promise<CognitionReport | undefined> {
  if (!sharing.enabled) return undefined;
  try {
    const response = await fetch(`${sharing.sourceUrl}/v1/cognition/status`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(sharing.timeoutMs),
    });
    if (!response.ok) return undefined;
    const body: unknown = await response.json();
    if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
    const report: CognitionReport = {
      source: sharing.sourceUrl,
      status: scalarFields(body as Record<string, unknown>),
    };
    const thought = thoughtText((body as Record<string, unknown>).latest_thought);
    if (sharing.includeThoughts && thought) report.latest_thought = truncate(thought, sharing.thoughtMaxChars);
    return report;
  } catch {
    return undefined;
  }
}

function scalarFields(body: Record<string, unknown>): CognitionReport["status"] {
  const status: CognitionReport["status"] = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === "latest_thought") continue;
    if (typeof value === "number" || typeof value === "boolean" || value === null) status[key] = value;
    else if (typeof value === "string") status[key] = truncate(value, MAX_STATUS_STRING);
  }
  return status;
}

function thoughtText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return undefined;
  const { content, text } = value as { content?: unknown; text?: unknown };
  return typeof content === "string" ? content : typeof text === "string" ? text : undefined;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
