export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  retryable?: (error: unknown) => boolean;
}

const RETRYABLE_NAMES = new Set([
  "SlowDown",
  "RequestTimeout",
  "ThrottlingException",
  "InternalError",
  "ServiceUnavailable",
  "TimeoutError",
]);
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/**
 * Network failures, throttling and 5xx are worth another try; other answers (denied, missing) and
 * local failures (a file error, a content hash mismatch) are not.
 */
export function isRetryableS3Error(error: unknown): boolean {
  const { name, code, $metadata } = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  if (status !== undefined) return status === 429 || status >= 500 || RETRYABLE_NAMES.has(name ?? "");
  return RETRYABLE_NAMES.has(name ?? "") || NETWORK_CODES.has(code ?? "");
}

/** Runs `operation` until it succeeds, waiting exponentially longer (with full jitter) between attempts. */
export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 5, baseMs = 200, maxMs = 5000, retryable = isRetryableS3Error } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !retryable(error)) throw error;
      const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}
