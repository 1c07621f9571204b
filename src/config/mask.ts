const SECRET_KEY = /(^|[_-])(key|token|secret|password|credentials?|authorization|cookie)$/i;
/** Tables whose every value is a secret as far as display goes: HTTP headers and environments of MCP servers. */
const SECRET_TABLES = new Set(["headers", "env"]);

/** A copy of a config tree with secret-looking values replaced, for display. */
export function maskSecrets(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v));
  if (value && typeof value === "object") {
    const all = SECRET_TABLES.has(key.toLowerCase());
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, all && typeof v === "string" ? mask(v) : maskSecrets(v, k)]));
  }
  if (typeof value !== "string" || !value) return value;
  if (SECRET_KEY.test(key)) return mask(value);
  return maskUrlPassword(value);
}

export function mask(secret: string): string {
  return secret.length <= 8 ? "****" : `${secret.slice(0, 4)}…${secret.slice(-2)}`;
}

/** `nats://admin:pass@host` → `nats://admin:****@host`; anything else as it is. */
function maskUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+):([^@/\s]+)@/i, "$1:****@");
}
