import { statSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import type { AutoApprove } from "../permission/auto-approve.ts";
import { AUTO_APPROVE_LEVELS } from "../permission/auto-approve.ts";
import { UserError } from "../contracts/errors.ts";
import { cognitionSharingFromEnv, type CognitionSharing } from "./cognition.ts";
import { envFlag, positiveNumber } from "../util/env-values.ts";

/** The flags of `codetether worker` as commander gives them (strings; env fallbacks applied here). */
export interface WorkerFlags {
  server?: string;
  token?: string;
  name?: string;
  workspaces?: string;
  maxConcurrentTasks?: string;
  autoApprove?: string;
  hostname?: string;
  port?: string;
  httpServer?: boolean;
}

export interface WorkerOptions {
  server: string;
  token?: string;
  name: string;
  /** Absolute paths of the workspaces this worker serves; the first is the default. */
  workspaces: string[];
  maxConcurrentTasks: number;
  autoApprove: AutoApprove;
  capabilities: string[];
  probe?: { host: string; port: number };
  heartbeatIntervalMs: number;
  /** How long SIGTERM waits for running tasks before giving them back to the queue. */
  shutdownGraceMs: number;
  cognition: CognitionSharing;
}

/** Flags win over environment variables, which win over defaults; every bad value is a one-line error. */
export function resolveWorkerOptions(
  flags: WorkerFlags,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): WorkerOptions {
  const server = (flags.server ?? env.CODETETHER_SERVER)?.trim();
  if (!server) throw new UserError("no server to work for: pass --server URL or set CODETETHER_SERVER");
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UserError(`invalid --server '${server}': expected a URL such as http://host:4096`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UserError(`invalid --server '${server}': use http:// or https://`);

  const autoApprove = (flags.autoApprove ?? env.CODETETHER_WORKER_AUTO_APPROVE ?? "safe") as AutoApprove;
  if (!AUTO_APPROVE_LEVELS.includes(autoApprove))
    throw new UserError(`invalid --auto-approve '${autoApprove}': use all, safe or none`);

  const httpServer = flags.httpServer !== false && !envFlag(env, "CODETETHER_WORKER_HTTP_DISABLED", false);
  return {
    server: url.href.replace(/\/+$/, ""),
    token: (flags.token ?? env.CODETETHER_TOKEN)?.trim() || undefined,
    name: (flags.name ?? env.CODETETHER_WORKER_NAME)?.trim() || hostname(),
    workspaces: workspacesOf(flags.workspaces ?? env.CODETETHER_WORKER_WORKSPACES, cwd),
    maxConcurrentTasks: positiveNumber(
      flags.maxConcurrentTasks ?? env.CODETETHER_WORKER_MAX_CONCURRENT_TASKS,
      "--max-concurrent-tasks",
      4,
      { integer: true },
    ),
    autoApprove,
    capabilities: ["agent"],
    probe: httpServer
      ? {
          host: (flags.hostname ?? env.CODETETHER_WORKER_HOST)?.trim() || "0.0.0.0",
          port: positiveNumber(flags.port ?? env.CODETETHER_WORKER_PORT, "--port", 8080, {
            integer: true,
            allowZero: true,
          }),
        }
      : undefined,
    heartbeatIntervalMs:
      positiveNumber(env.CODETETHER_WORKER_HEARTBEAT_INTERVAL_SECS, "CODETETHER_WORKER_HEARTBEAT_INTERVAL_SECS", 30) *
      1000,
    shutdownGraceMs:
      positiveNumber(env.CODETETHER_WORKER_SHUTDOWN_GRACE_SECS, "CODETETHER_WORKER_SHUTDOWN_GRACE_SECS", 25, {
        allowZero: true,
      }) * 1000,
    cognition: cognitionSharingFromEnv(env),
  };
}

function workspacesOf(list: string | undefined, cwd: string): string[] {
  const entries = (list ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const paths = (entries.length ? entries : [cwd]).map((entry) => resolve(cwd, entry));
  for (const path of paths) {
    let isDirectory = false;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      // Reported below.
    }
    if (!isDirectory)
      throw new UserError(`workspace not found: ${path} (--workspaces takes existing directories, comma-separated)`);
  }
  return [...new Set(paths)];
}
