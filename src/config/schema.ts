import { z } from "zod";
import { DURATION } from "./duration.ts";

/** One `[providers.<name>]` table: overrides for a built-in provider, or a custom OpenAI-compatible one. */
export const providerConfigSchema = z
  .object({
    type: z.enum(["openai-compatible"]).optional(),
    base_url: z.url().optional(),
    model: z.string().min(1).optional(),
    api_key_env: z.string().min(1).optional(),
    context_window: z.number().int().positive().optional(),
    /** OpenAI Responses: keep responses on the server and refer back to them (default: resend the conversation). */
    store: z.boolean().optional(),
  })
  .strict();

const permissionAction = z.enum(["allow", "ask", "deny"]);

/** `[logs]`: when the durable logs (event stream, audit trail) close a segment, making it archivable, and remove old ones. */
export const logsConfigSchema = z
  .object({
    segment_max_bytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024),
    segment_max_age: z.string().regex(DURATION, 'must be a duration such as "30m", "12h" or "1d"').default("1d"),
    /** Closed segments whose last record is older than this many days are removed (default: kept). */
    retention_days: z.number().positive().optional(),
    /** Each log kind (event stream, audit trail) is kept under this many bytes by removing its oldest closed segments. */
    max_bytes: z.number().int().positive().optional(),
  })
  .strict();

/** `host:port` (an IPv6 host in brackets). */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.*-]+):\d{1,5}$/;

/** What a tool's subprocesses may do; `[sandbox]` holds the defaults, `[sandbox.tools.<name>]` overrides them per tool. */
const sandboxPolicy = {
  /** workspace-write: the workspace and a private /tmp writable; read-only: only /tmp; danger-full-access: no confinement. */
  mode: z.enum(["workspace-write", "read-only", "danger-full-access"]),
  /** false: no network; true: the host's network; a list: the host's network, meant for those hosts only (advisory). */
  network: z.union([z.boolean(), z.array(z.string().regex(HOST_PORT, 'must be "host:port"'))]),
  max_memory_mb: z.number().int().positive(),
  max_cpu_seconds: z.number().int().positive(),
  /** The longest a command may run (a tool's own timeout may be shorter). */
  timeout_secs: z.number().int().positive(),
  /** Environment variables passed through although they look like secrets. */
  env_allow: z.array(z.string().min(1)),
};

export const sandboxConfigSchema = z
  .object({
    mode: sandboxPolicy.mode.default("workspace-write"),
    network: sandboxPolicy.network.default(false),
    max_memory_mb: sandboxPolicy.max_memory_mb.default(4096),
    max_cpu_seconds: sandboxPolicy.max_cpu_seconds.default(600),
    timeout_secs: sandboxPolicy.timeout_secs.default(3600),
    env_allow: sandboxPolicy.env_allow.default([]),
    tools: z.record(z.string(), z.object(sandboxPolicy).partial().strict()).default({}),
  })
  .strict();

export const configSchema = z
  .object({
    default: z
      .object({
        provider: z.string().min(1).optional(),
        model: z.string().min(1).optional(),
        agent: z.string().min(1).optional(),
        max_steps: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
    ui: z
      .object({ theme: z.string().min(1).default("marketing") })
      .strict()
      .default({ theme: "marketing" }),
    session: z
      .object({ auto_save: z.boolean().default(true) })
      .strict()
      .default({ auto_save: true }),
    telemetry: z
      .object({
        /** Save a crash report (no message, prompt, file, env or key) under <data dir>/crash-reports/. */
        crash_reporting: z.boolean().default(false),
        /** Where `codetether crash send` posts reports; nothing is ever sent without it (or --endpoint). */
        endpoint: z.url().optional(),
      })
      .strict()
      .default({ crash_reporting: false }),
    providers: z.record(z.string(), providerConfigSchema).default({}),
    logs: logsConfigSchema.default(logsConfigSchema.parse({})),
    sandbox: sandboxConfigSchema.default(sandboxConfigSchema.parse({})),
    permission: z.record(z.string(), z.union([permissionAction, z.record(z.string(), permissionAction)])).default({}),
  })
  // Sections owned by other features (mcp, lsp, server, bus, archive, …) are validated by those features.
  .catchall(z.unknown());

export type Config = z.infer<typeof configSchema>;
export type ProviderConfig = z.infer<typeof providerConfigSchema>;
export type LogsConfig = z.infer<typeof logsConfigSchema>;
export type SandboxConfig = z.infer<typeof sandboxConfigSchema>;
