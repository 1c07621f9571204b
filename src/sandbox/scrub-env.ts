import { isSecretEnvName } from "../util/redact.ts";

/** Cloud and Vault namespaces a tool never needs, beyond the secret-named variables (AWS_REGION too). */
const CREDENTIAL_NAMESPACES = /^(AWS|VAULT)_/i;

/**
 * The environment a tool's subprocess gets: this process's without anything that looks like a secret,
 * nor the variables `secretNames` lists (the providers' `api_key_env`), unless `allow` names it.
 */
export function scrubEnv(
  env: NodeJS.ProcessEnv,
  allow: readonly string[],
  secretNames: readonly string[] = [],
): NodeJS.ProcessEnv {
  const scrubbed: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    const secret = isSecretEnvName(name) || CREDENTIAL_NAMESPACES.test(name) || secretNames.includes(name);
    if (!secret || allow.includes(name)) scrubbed[name] = value;
  }
  return scrubbed;
}
