export const REDACTED = "[REDACTED]";

/**
 * Environment variables whose values are secrets: `*_KEY`, `*_TOKEN`, `*_SECRET`, `*PASSWORD*`,
 * credentials and the like. The sandbox keeps them from tools' subprocesses; records are redacted for
 * their values.
 */
const SECRET_ENV_NAME = /(^|_)(KEY|TOKEN|SECRET|PASSPHRASE|CREDENTIALS?|PASS|PASSWD)(_|$)|PASSWORD|API_?KEY/i;

export function isSecretEnvName(name: string): boolean {
  return SECRET_ENV_NAME.test(name);
}

/** Shorter values are left alone: redacting `test` or `admin` everywhere would mangle ordinary text. */
const MIN_SECRET_LENGTH = 8;

// Compared against the key lower-cased with separators removed, so `api_key`, `apiKey` and `API-KEY` match.
// Suffix match catches `access_token` or `client_secret` but not counters like `input_tokens`.
const SECRET_KEY_SUFFIXES = [
  "token",
  "secret",
  "password",
  "passwd",
  "apikey",
  "authorization",
  "cookie",
  "credentials",
  "privatekey",
  "signature",
];

/** Secrets recognisable by their shape, whoever holds them. */
const SECRET_SHAPES: [RegExp, string][] = [
  [/\b(authorization:\s*(?:bearer|basic))\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${REDACTED}`],
  // Elsewhere a bearer token has a digit somewhere: "bearer authentication" in prose stays as it is.
  [/\b(bearer)\s+(?=[A-Za-z0-9\-._~+/]*\d)[A-Za-z0-9\-._~+/]{8,}=*/gi, `$1 ${REDACTED}`],
  [/([?&](?:access_token|token|api_key|apikey|key|password|secret|signature)=)[^&\s#"']+/gi, `$1${REDACTED}`],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, REDACTED], // OpenAI / Anthropic style API keys
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, REDACTED], // GitHub tokens
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED], // AWS access key ids
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, REDACTED], // JWTs
];

/** Matches every string some SECRET_SHAPES pattern matches (and more): most strings skip the replacements. */
const ANY_SHAPE = new RegExp(SECRET_SHAPES.map(([pattern]) => `(?:${pattern.source})`).join("|"), "i");

/**
 * Secret values this process holds beyond its environment: the serve token read from its file, keys read
 * from Vault. Plain strings, not services: every record writer of the process must know all of them.
 */
const learned = new Set<string>();
let known: RegExp | undefined | null = null;

/** Adds a value the process holds (a token, an API key) to what every record is redacted for. */
export function rememberSecret(value: string | undefined): void {
  const secret = value?.trim();
  if (!secret || secret.length < MIN_SECRET_LENGTH || learned.has(secret)) return;
  learned.add(secret);
  known = null;
}

/** The secret values of an environment, by the variables' names. */
export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_ENV_NAME.test(name) && value && value.trim().length >= MIN_SECRET_LENGTH)
    .map(([, value]) => value!.trim());
}

/** One pattern for every value held, longest first (so a value containing another goes whole). */
function knownSecrets(): RegExp | undefined {
  if (known === null) {
    const values = [...new Set([...environmentSecrets(), ...learned])].sort((a, b) => b.length - a.length);
    known = values.length
      ? new RegExp(values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g")
      : undefined;
  }
  return known;
}

/** `text` with every secret the process holds and every key-shaped string replaced by `[REDACTED]`. */
export function redactText(text: string): string {
  const values = knownSecrets();
  const withoutValues = values ? text.replace(values, REDACTED) : text;
  if (!ANY_SHAPE.test(withoutValues)) return withoutValues;
  return SECRET_SHAPES.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), withoutValues);
}

/** A deep copy of `value` with every string redacted; objects that are not plain data are kept as they are. */
export function redactStrings<T>(value: T): T {
  return redactDeep(value, false) as T;
}

/** Like redactStrings, and values under secret-named keys (`password`, `api_key`…) replaced whole: for logs. */
export function redactRecord<T>(value: T): T {
  return redactDeep(value, true) as T;
}

/** Records use a few dozen key names over and over: each is judged once (up to a bound on the memory). */
const secretKeys = new Map<string, boolean>();
const SECRET_KEYS_KEPT = 1024;
/** Longer keys are judged every time: key names can come from the model (tool arguments), of any length. */
const SECRET_KEY_CACHED_LENGTH = 64;

function isSecretKey(key: string): boolean {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, "");
    secret = SECRET_KEY_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
    if (secretKeys.size < SECRET_KEYS_KEPT && key.length <= SECRET_KEY_CACHED_LENGTH) secretKeys.set(key, secret);
  }
  return secret;
}

function redactDeep(value: unknown, byKey: boolean): unknown {
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map((inner) => redactDeep(inner, byKey));
  if (value && typeof value === "object" && isPlain(value)) {
    // Filled key by key rather than through Object.entries/fromEntries: records are redacted on every write.
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const inner = (value as Record<string, unknown>)[key];
      const redacted =
        byKey && isSecretKey(key) && inner !== undefined && inner !== null ? REDACTED : redactDeep(inner, byKey);
      // `__proto__` is an own key like any other here (as Object.fromEntries made it), not the prototype.
      if (key === "__proto__")
        Object.defineProperty(copy, key, { value: redacted, enumerable: true, writable: true, configurable: true });
      else copy[key] = redacted;
    }
    return copy;
  }
  return value;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
