const SECRET_KEY = /(^|_)(key|token|secret|password|credentials?)$/i;

/** A copy of a config tree with secret-looking values replaced, for display. */
export function maskSecrets(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, k)]));
  }
  if (typeof value === "string" && SECRET_KEY.test(key) && value) return mask(value);
  return value;
}

export function mask(secret: string): string {
  return secret.length <= 8 ? "****" : `${secret.slice(0, 4)}…${secret.slice(-2)}`;
}
