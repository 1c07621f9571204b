import { z } from "zod";
import type { Config } from "../config/schema.ts";
import { UserError } from "../contracts/errors.ts";

/**
 * The control plane's keys of config.toml `[server]`. Exported as a shape so the serve feature's own
 * (strict) `[server]` schema can spread it in: one section, validated once, keys owned where they are used.
 */
export const controlPlaneKeys = {
  /** Where A2A tasks run: in serve itself, always on workers, or on workers when a matching one is connected. */
  dispatch: z.enum(["local", "workers", "auto"]).default("auto"),
  /** A worker silent this long loses its claims (their tasks go back to pending). */
  worker_heartbeat_timeout_secs: z.number().positive().default(90),
  /** How long a worker may run one claimed task before it gives up (sent with the claim). */
  task_timeout_secs: z.number().positive().default(3600),
  /** Claims lost to lapsed heartbeats before a task is failed instead of re-queued. */
  task_max_attempts: z.number().int().positive().default(3),
  /** Interval of the keep-alive comments on the worker task stream. */
  stream_keepalive_secs: z.number().positive().default(15),
};

const controlPlaneSection = z.object(controlPlaneKeys);

export type ControlPlaneSettings = z.infer<typeof controlPlaneSection>;
export type DispatchMode = ControlPlaneSettings["dispatch"];

/** Reads this feature's keys from `[server]` (other keys are the serve feature's to check). */
export function controlPlaneSettings(config: Config): ControlPlaneSettings {
  const result = controlPlaneSection.safeParse(config.server ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new UserError(
    `invalid config [server]: '${["server", ...issue.path.map(String)].join(".")}': ${issue.message}`,
  );
}
