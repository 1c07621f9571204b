/** Words that make a key's value a secret wherever they stand in the key: `db_password`, `authToken`, `pass`. */
const SECRET_WORDS = new Set([
  "apikey",
  "auth",
  "authorization",
  "cookie",
  "credential",
  "credentials",
  "pass",
  "passwd",
  "password",
  "secret",
  "token",
]);
/** Tables whose every value is a secret as far as display goes: HTTP headers and environments of MCP servers. */
const SECRET_TABLES = new Set(["headers", "env"]);

/** A copy of a config tree with secret-looking values replaced, for display. */
export function maskSecrets(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v));
  if (value && typeof value === "object") {
    const all = SECRET_TABLES.has(key.toLowerCase());
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, all && typeof v === "string" ? mask(v) : maskSecrets(v, k)]),
    );
  }
  if (typeof value !== "string" || !value) return value;
  if (isSecretName(key)) return mask(value);
  return maskUrlSecrets(value);
}

export function mask(secret: string): string {
  return secret.length <= 8 ? "****" : `${secret.slice(0, 4)}…${secret.slice(-2)}`;
}

/**
 * Whether a key (or URL query parameter) names a secret: one of its words is a secret word, its last word
 * is `key` (`api_key`, `apiKey`, but not `api_key_env`), or it starts with `private_key`.
 */
function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.some((word) => SECRET_WORDS.has(word)) || words.at(-1) === "key") return true;
  return words[0] === "private" && words[1] === "key";
}

/** Every URL in a text (a target, an error message) with its secrets masked as maskUrlSecrets does. */
export function maskUrlSecretsIn(text: string): string {
  // A comma ends a URL too: NATS takes a list of servers, each with its own credentials.
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s,]+/gi, maskUrlSecrets);
}

/** `nats://admin:pass@host` → `nats://admin:****@host`, `https://h/?token=abc` → `…?token=****`. */
function maskUrlSecrets(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  return value
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+):([^@/\s]+)@/i, "$1:****@")
    .replace(/([?&])([^=&#\s]+)=([^&#\s]*)/g, (whole, sep: string, name: string, secret: string) =>
      secret && isSecretName(name) ? `${sep}${name}=****` : whole,
    );
}
