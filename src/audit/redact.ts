export const REDACTED = "[redacted]";

// Compared against the key lower-cased with separators removed, so `api_key`, `apiKey` and `API-KEY` match.
// Suffix match catches `access_token` or `client_secret` but not counters like `input_tokens`.
const SECRET_KEY_SUFFIXES = ["token", "secret", "password", "passwd", "apikey", "authorization", "cookie", "credentials", "privatekey", "signature"];

const SECRET_IN_TEXT: [RegExp, string][] = [
  [/\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${REDACTED}`],
  [/([?&](?:access_token|token|api_key|apikey|key|password|secret|signature)=)[^&\s#]+/gi, `$1${REDACTED}`],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, REDACTED], // OpenAI / Anthropic style API keys
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, REDACTED], // GitHub tokens
  [/\bAKIA[0-9A-Z]{16}\b/g, REDACTED], // AWS access key ids
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, REDACTED], // JWTs
];

export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  return SECRET_KEY_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

export function redactText(text: string): string {
  return SECRET_IN_TEXT.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

/** A deep copy of `value` that is safe to persist: secret-named keys and token-looking strings are replaced. */
export function redact<T>(value: T): T {
  return redactValue(value) as T;
}

function redactValue(value: unknown): unknown {
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, isSecretKey(key) ? REDACTED : redactValue(inner)]),
    );
  }
  return value;
}
