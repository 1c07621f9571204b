import { UserError } from "../contracts/errors.ts";

export interface VaultSettings {
  addr: string;
  token: string;
  mount: string;
  secretsPath: string;
}

/** Vault settings from `VAULT_ADDR`/`VAULT_TOKEN` (+ `VAULT_MOUNT`, `VAULT_SECRETS_PATH`), or undefined. */
export function vaultFromEnv(env = process.env): VaultSettings | undefined {
  if (!env.VAULT_ADDR || !env.VAULT_TOKEN) return undefined;
  return {
    addr: env.VAULT_ADDR.replace(/\/+$/, ""),
    token: env.VAULT_TOKEN,
    mount: env.VAULT_MOUNT || "secret",
    secretsPath: env.VAULT_SECRETS_PATH || "codetether/providers",
  };
}

/**
 * Reads one KV v2 secret under VAULT_SECRETS_PATH. Returns undefined when the secret does not exist;
 * throws a one-line error naming the path when Vault is unreachable or refuses.
 */
export function readVaultSecret(vault: VaultSettings, name: string): Promise<Record<string, string> | undefined> {
  return readVaultPath(vault, `${vault.secretsPath}/${name}`);
}

/** Reads the KV v2 secret at `<mount>/<path>` (e.g. `codetether/audit`), as readVaultSecret does. */
export async function readVaultPath(vault: VaultSettings, path: string): Promise<Record<string, string> | undefined> {
  const where = `${vault.mount}/${path}`;
  const url = `${vault.addr}/v1/${vault.mount}/data/${path.split("/").map(encodeURIComponent).join("/")}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { "X-Vault-Token": vault.token }, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new UserError(`vault unreachable at ${vault.addr} reading ${where}: ${(error as Error).message}`);
  }
  if (res.status === 404) return undefined;
  if (res.status === 403) throw new UserError(`vault denied access to ${where} (403): check VAULT_TOKEN's policy`);
  if (!res.ok) throw new UserError(`vault error ${res.status} reading ${where}`);
  const body = (await res.json()) as { data?: { data?: Record<string, string> } };
  return body.data?.data;
}
