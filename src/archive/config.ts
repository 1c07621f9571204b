import { z } from "zod";
import type { Config } from "../config/schema.ts";
import { readVaultSecret, vaultFromEnv } from "../secrets/vault.ts";
import { UserError } from "../contracts/errors.ts";
import type { ArchiveConfig, ArchiveCredentials } from "./types.ts";

/** `[archive]` of config.toml. R2: endpoint `https://<account>.r2.cloudflarestorage.com`, region `auto`. */
export const ArchiveSection = z.strictObject({
  endpoint: z.url().optional(),
  bucket: z.string().min(1),
  prefix: z.string().default("codetether"),
  region: z.string().min(1).default("us-east-1"),
  force_path_style: z.boolean().default(false),
  /** The Vault KV secret (under VAULT_SECRETS_PATH) holding `access_key_id` and `secret_access_key`. */
  vault_secret: z.string().min(1).default("archive"),
});
export type ArchiveSettings = z.infer<typeof ArchiveSection>;

/** The validated `[archive]` section; a clear error when it is missing or wrong. */
export function archiveSettings(config: Config): ArchiveSettings {
  const raw = (config as Record<string, unknown>).archive;
  if (raw === undefined)
    throw new UserError(
      'no [archive] section in config.toml (set at least bucket = "…"; endpoint for R2 or another S3-compatible store)',
    );
  const parsed = ArchiveSection.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`invalid [archive] ${issue.path.join(".") || "section"}: ${issue.message}`);
  }
  return parsed.data;
}

/** The store settings for one log under the configured prefix, e.g. `codetether/audit/writer-1`. */
export function archiveConfigFor(settings: ArchiveSettings, log: string): ArchiveConfig {
  const prefix = [settings.prefix.replace(/\/+$/, ""), log].filter(Boolean).join("/");
  return {
    endpoint: settings.endpoint,
    bucket: settings.bucket,
    prefix,
    region: settings.region,
    forcePathStyle: settings.force_path_style,
  };
}

/** Credentials from Vault (when VAULT_ADDR/VAULT_TOKEN are set and the secret exists), else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY. */
export async function archiveCredentials(settings: ArchiveSettings, env = process.env): Promise<ArchiveCredentials> {
  const vault = vaultFromEnv(env);
  const secret = vault && (await readVaultSecret(vault, settings.vault_secret));
  if (secret) {
    const accessKeyId = secret.access_key_id ?? secret.AWS_ACCESS_KEY_ID;
    const secretAccessKey = secret.secret_access_key ?? secret.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey)
      throw new UserError(`vault secret ${settings.vault_secret} needs access_key_id and secret_access_key`);
    return { accessKeyId, secretAccessKey, ...(secret.session_token ? { sessionToken: secret.session_token } : {}) };
  }
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  throw new UserError(
    `no archive credentials: store access_key_id and secret_access_key in Vault secret ${settings.vault_secret}, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
  );
}
