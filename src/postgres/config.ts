import { z } from "zod";
import type { Config } from "../config/schema.ts";
import { UserError } from "../contracts/errors.ts";
import { describeIssue } from "../config/describe-issue.ts";
import { DEFAULT_TIMEOUT_SECS } from "./connect.ts";

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/** The `[storage]` section of config.toml: without a `url`, every store is the embedded SQLite database. */
export const storageSectionSchema = z
  .object({
    /** A PostgreSQL database shared by every replica of serve, e.g. "postgres://user@host:5432/codetether". */
    url: z.string().regex(POSTGRES_URL, "must start with postgres:// or postgresql://").optional(),
    /** With PostgreSQL: a replica whose lease is not renewed for this long counts as dead, and its unfinished tasks fail. */
    lease_secs: z.number().positive().default(30),
    /** With PostgreSQL: a query not answered, or a connection not given, within this long fails instead of hanging. */
    timeout_secs: z.number().positive().default(DEFAULT_TIMEOUT_SECS),
  })
  .strict();

export type StorageSection = z.infer<typeof storageSectionSchema>;

/** `[storage]`, its `url` replaced by `CODETETHER_DATABASE_URL` when set; without a url, storage is SQLite. */
export function storageSection(config: Config, env: NodeJS.ProcessEnv = process.env): StorageSection {
  const fromEnv = env.CODETETHER_DATABASE_URL?.trim();
  // The URL may hold a password: errors name where it came from, never the URL itself.
  if (fromEnv && !POSTGRES_URL.test(fromEnv))
    throw new UserError("invalid CODETETHER_DATABASE_URL: must start with postgres:// or postgresql://");
  const result = storageSectionSchema.safeParse(config.storage ?? {});
  if (result.success) return { ...result.data, url: fromEnv || result.data.url };
  const issue = { ...result.error.issues[0]!, path: ["storage", ...result.error.issues[0]!.path] };
  throw new UserError(`invalid config [storage]: ${describeIssue(issue, z.object({ storage: storageSectionSchema }))}`);
}
