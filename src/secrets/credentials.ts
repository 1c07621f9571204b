import type { ProviderConfig } from "../config/schema.ts";
import type { ProviderInfo } from "../provider/catalog.ts";
import { readVaultSecret, vaultFromEnv } from "./vault.ts";
import { UserError } from "../contracts/errors.ts";
import { rememberSecret } from "../util/redact.ts";

export interface Credentials {
  apiKey?: string;
  baseURL?: string;
  /** Where the key came from, for messages: "vault:secret/…", "env:OPENAI_API_KEY", or "none". */
  source: string;
}

/**
 * Key resolution order: Vault KV v2 (`<mount>/<path>/<provider>`, fields `api_key`, `base_url`) when
 * VAULT_ADDR and VAULT_TOKEN are set; else the provider's environment variable, unless
 * CODETETHER_DISABLE_ENV_FALLBACK=1. Returns source "none" when nothing holds a key.
 */
export async function resolveCredentials(
  providerId: string,
  info: ProviderInfo | undefined,
  config: ProviderConfig | undefined,
  env = process.env,
): Promise<Credentials> {
  const credentials = await findCredentials(providerId, info, config, env);
  // Whatever its name or source, a key the process holds is redacted from everything recorded.
  rememberSecret(credentials.apiKey);
  return credentials;
}

async function findCredentials(
  providerId: string,
  info: ProviderInfo | undefined,
  config: ProviderConfig | undefined,
  env: NodeJS.ProcessEnv,
): Promise<Credentials> {
  const vault = vaultFromEnv(env);
  const envFallback = env.CODETETHER_DISABLE_ENV_FALLBACK !== "1";
  if (vault) {
    const secret = await readVaultSecret(vault, providerId);
    if (secret?.api_key)
      return {
        apiKey: secret.api_key,
        baseURL: secret.base_url,
        source: `vault:${vault.mount}/${vault.secretsPath}/${providerId}`,
      };
    if (!envFallback) {
      throw new UserError(`no api_key in vault secret ${vault.mount}/${vault.secretsPath}/${providerId}`);
    }
  }
  if (!envFallback) return { source: "none" };
  for (const name of envKeyNames(info, config)) {
    if (env[name]) return { apiKey: env[name], source: `env:${name}` };
  }
  return { source: "none" };
}

export function envKeyNames(info: ProviderInfo | undefined, config: ProviderConfig | undefined): string[] {
  return [...(config?.api_key_env ? [config.api_key_env] : []), ...(info?.envKeys ?? [])];
}
