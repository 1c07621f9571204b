import { z } from "zod";
import { ControlPlaneError } from "./errors.ts";

const name = z.string().trim().min(1).max(200);
const id = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^\s/]+$/, "must not contain spaces or slashes");
const names = z.array(name).max(100);

// Bodies are strict: a misspelt field is a 400, not a silently ignored value.
export const registerBody = z
  .object({
    worker_id: id.optional(),
    name,
    hostname: name.optional(),
    capabilities: names.default([]),
    workspaces: z.array(z.string().min(1).max(4096)).max(100).default([]),
    max_concurrent_tasks: z.number().int().min(1).max(1024).default(1),
    /** The tasks the worker runs as it registers: its other claims were lost (a restart) and are released. */
    running_task_ids: z.array(id).max(1024).optional(),
  })
  .strict();

export const heartbeatBody = z
  .object({
    status: z.enum(["idle", "processing", "stopping"]),
    active_tasks: z.number().int().min(0),
    agent_name: name.optional(),
    sub_agents: z.array(z.unknown()).max(1000).optional(),
    cognition: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const claimBody = z.object({ task_id: id }).strict();

export const releaseBody = z
  .object({
    task_id: id,
    status: z.enum(["completed", "failed", "cancelled", "pending"]),
    run_id: id.optional(),
    result: z.string().optional(),
    error: z.string().optional(),
    session_id: z.string().max(200).optional(),
  })
  .strict();

const agentEvent = z.object({ type: z.string().min(1) }).passthrough();

export const outputBody = z
  .object({
    task_id: id,
    run_id: id,
    batch: z.number().int().min(0),
    events: z.array(agentEvent).min(1).max(10_000),
  })
  .strict();

export const taskBody = z
  .object({
    prompt: z.string().trim().min(1),
    workspace: z.string().min(1).max(4096).optional(),
    capabilities: names.optional(),
    model: z.string().min(1).max(200).optional(),
    agent: z.string().min(1).max(200).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    pinned_worker: z.string().min(1).max(200).optional(),
    resume_session: z.string().min(1).max(200).optional(),
  })
  .strict();

/** Validates a request body; the first problem becomes a 400 naming the field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ControlPlaneError(400, "the request body must be a JSON object (Content-Type: application/json)");
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === "unrecognized_keys")
    throw new ControlPlaneError(400, `unknown field '${issue.keys.join("', '")}'`);
  const field = issue.path.map(String).join(".") || "body";
  throw new ControlPlaneError(
    400,
    isMissing(body, issue.path) ? `missing field '${field}'` : `invalid '${field}': ${issue.message}`,
  );
}

function isMissing(body: object, path: readonly PropertyKey[]): boolean {
  let value: unknown = body;
  for (const key of path) {
    if (typeof value !== "object" || value === null || !(key in value)) return true;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value === undefined;
}
