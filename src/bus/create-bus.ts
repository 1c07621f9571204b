import { z } from "zod";
import { UserError } from "../contracts/errors.ts";
import type { AgentBus } from "./agent-bus.ts";
import { InProcessBus } from "./in-process-bus.ts";

/** The `[bus]` section of config.toml. */
export const busConfigSchema = z
  .object({
    url: z
      .string()
      .regex(/^(nats|tls):\/\//, "must start with nats:// or tls://")
      .optional(),
    subject_prefix: z.string().min(1).optional(),
    results_bucket: z.string().min(1).optional(),
    queue_size: z.number().int().positive().optional(),
  })
  .strict();

export type BusConfig = z.infer<typeof busConfigSchema>;

export interface CreateBusOptions {
  /** NATS server URL; without it the bus is in-process. */
  url?: string;
  subjectPrefix?: string;
  resultsBucket?: string;
  queueSize?: number;
}

/** Options from the environment (`CODETETHER_BUS_URL` wins) and the config's `[bus]` section. */
export function busOptionsFrom(
  config: { readonly [section: string]: unknown },
  env: NodeJS.ProcessEnv = process.env,
): CreateBusOptions {
  const parsed = busConfigSchema.safeParse(config.bus ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`invalid [bus] config: ${issue?.path.join(".") || "section"} ${issue?.message ?? ""}`.trim());
  }
  const url = env.CODETETHER_BUS_URL?.trim() || parsed.data.url;
  if (url && !/^(nats|tls):\/\//.test(url)) throw new UserError(`invalid bus URL '${url}': use nats://host:port`);
  return {
    url,
    subjectPrefix: parsed.data.subject_prefix,
    resultsBucket: parsed.data.results_bucket,
    queueSize: parsed.data.queue_size,
  };
}

/** The in-process bus unless a URL names a NATS server. */
export async function createBus(options: CreateBusOptions = {}): Promise<AgentBus> {
  if (!options.url) return new InProcessBus({ queueSize: options.queueSize });
  const { connectNatsBus } = await import("./nats-bus.ts");
  return connectNatsBus({ ...options, url: options.url });
}
