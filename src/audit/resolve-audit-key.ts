import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configDir } from "../config/paths.ts";
import { UserError } from "../contracts/errors.ts";
import { readVaultPath, vaultFromEnv } from "../secrets/vault.ts";
import { auditKeyFrom, MIN_SECRET_LENGTH, type AuditKey } from "./audit-key.ts";

/** The Vault KV v2 secret (under `VAULT_MOUNT`) whose field `key` holds the audit key. */
export const VAULT_AUDIT_PATH = "codetether/audit";
export const AUDIT_KEY_ENV = "CODETETHER_AUDIT_KEY";

/** `<config dir>/audit.key`: outside the data dir, so whoever can rewrite the logs does not find the key beside them. */
export function auditKeyFile(env = process.env): string {
  return join(configDir(env), "audit.key");
}

/**
 * The audit key, in this order: Vault (`<mount>/codetether/audit`, field `key`) when VAULT_ADDR and
 * VAULT_TOKEN are set and the secret exists; else `CODETETHER_AUDIT_KEY`; else the key file, created
 * (random, mode 0600) on first use. Writers and `audit verify` resolve it the same way.
 */
export async function resolveAuditKey(env = process.env): Promise<AuditKey> {
  const vault = vaultFromEnv(env);
  const secret = vault && (await readVaultPath(vault, VAULT_AUDIT_PATH));
  if (vault && secret) {
    const where = `${vault.mount}/${VAULT_AUDIT_PATH}`;
    return auditKeyFrom(checked(secret.key, `field key of vault secret ${where}`), `vault:${where}`);
  }
  const fromEnv = env[AUDIT_KEY_ENV];
  if (fromEnv !== undefined) return auditKeyFrom(checked(fromEnv, AUDIT_KEY_ENV), `env:${AUDIT_KEY_ENV}`);
  const file = auditKeyFile(env);
  return auditKeyFrom(readOrCreateKeyFile(file), file);
}

function checked(secret: string | undefined, what: string): string {
  if (!secret || secret.length < MIN_SECRET_LENGTH)
    throw new UserError(`${what} must hold an audit key of at least ${MIN_SECRET_LENGTH} characters`);
  return secret;
}

function readOrCreateKeyFile(file: string): string {
  mkdirSync(join(file, ".."), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) {
    // Written whole, then linked into place: of two processes starting at once, one key wins and
    // neither ever reads a half-written file.
    const draft = `${file}.${process.pid}.new`;
    writeFileSync(draft, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      rmSync(draft, { force: true });
    }
  }
  const mode = statSync(file).mode & 0o777;
  if (process.platform !== "win32" && mode & 0o077)
    throw new UserError(`audit key file ${file} is readable by others (mode ${mode.toString(8)}): chmod 600 it`);
  return checked(readFileSync(file, "utf8").trim(), `audit key file ${file}`);
}
