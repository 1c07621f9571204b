import { z } from "zod";
import type { Config } from "../config/schema.ts";
import { controlPlaneKeys } from "../control-plane/config.ts";
import { UserError } from "../contracts/errors.ts";
import { BINDINGS } from "./agent-card.ts";
import { isPublicUrl, PUBLIC_URL_ENV, PUBLIC_URL_EXPECTED } from "./public-url.ts";

/** The `[server]` section of config.toml (this feature validates its own section). */
export const serverSectionSchema = z
  .object({
    /** Deliver push notifications to private/loopback webhook addresses (off: SSRF guard, spec §13.2). */
    allow_private_push: z.boolean().default(false),
    /** The binding the agent card names first (its preferred one; 0.3 cards: `preferredTransport`). */
    preferred_transport: z.enum(BINDINGS).default("JSONRPC"),
    /** The address clients reach serve at (proxy, ingress, container): the card's interface URLs use it. */
    public_url: z.string().refine(isPublicUrl, PUBLIC_URL_EXPECTED).optional(),
    /** Open HTTP connections served at once; beyond it requests get 503 (a small reserve still answers /health). */
    max_connections: z.number().int().positive().default(1024),
    /** A client must send its request headers within this, or the connection is dropped (slowloris). */
    headers_timeout_secs: z.number().positive().default(10),
    /** A client must send its whole request (headers and body) within this; streamed answers are not cut. */
    request_timeout_secs: z.number().positive().default(60),
    /** An idle keep-alive connection is closed after this. */
    keep_alive_timeout_secs: z.number().positive().default(5),
    /** dispatch, worker heartbeat timeout, task timeout/attempts, stream keep-alive: see src/control-plane/config.ts. */
    ...controlPlaneKeys,
  })
  .strict();

export type ServerSection = z.infer<typeof serverSectionSchema>;

/** `[server]`, its `public_url` replaced by `CODETETHER_PUBLIC_URL` when set. */
export function serverSection(config: Config, env: NodeJS.ProcessEnv = process.env): ServerSection {
  const fromEnv = env[PUBLIC_URL_ENV]?.trim();
  if (fromEnv && !isPublicUrl(fromEnv)) throw new UserError(`invalid ${PUBLIC_URL_ENV}: ${PUBLIC_URL_EXPECTED}`);
  const result = serverSectionSchema.safeParse(config.server ?? {});
  if (result.success) return { ...result.data, public_url: fromEnv || result.data.public_url };
  const issue = result.error.issues[0]!;
  const key = ["server", ...issue.path.map(String)].join(".");
  throw new UserError(
    `invalid config [server]: ${issue.code === "unrecognized_keys" ? `unknown key '${issue.keys.join("', '")}'` : `'${key}': ${issue.message}`}`,
  );
}
