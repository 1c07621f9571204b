import { APICallError } from "ai";
import { redactText } from "../util/redact.ts";

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, initialDelayMs: 1000, maxDelayMs: 30_000 };

/** Whether a provider error is worth retrying: 429, 5xx, 408, or the connection dropping. */
export function isRetryable(error: unknown): boolean {
  if (APICallError.isInstance(error)) {
    // Only real answers from the server: an unreachable host fails fast with a clear message instead.
    const status = error.statusCode ?? 0;
    return status === 429 || status === 408 || status >= 500;
  }
  return false;
}

/** The wait before attempt `attempt` (1-based retry count): the server's retry-after if given, else exponential. */
export function retryDelay(error: unknown, attempt: number, policy: RetryPolicy): number {
  const headers = APICallError.isInstance(error) ? error.responseHeaders : undefined;
  const ms = Number(headers?.["retry-after-ms"]);
  if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, policy.maxDelayMs);
  const retryAfter = headers?.["retry-after"];
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const wait = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
    if (Number.isFinite(wait) && wait >= 0) return Math.min(wait, policy.maxDelayMs);
  }
  return Math.min(policy.initialDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
}

/**
 * A readable one-line description of a provider failure (status, and the provider's message when it sent one),
 * redacted: a provider may echo the key it refused.
 */
export function describeProviderError(error: unknown): string {
  return redactText(describe(error));
}

function describe(error: unknown): string {
  if (APICallError.isInstance(error)) {
    if (!error.statusCode) return `cannot reach the model provider at ${error.url}: ${firstLine(error.message)}`;
    const status = `HTTP ${error.statusCode}`;
    const hint = error.statusCode === 401 || error.statusCode === 403 ? " (check the API key)" : "";
    return `provider error ${status}${hint}: ${firstLine(error.message)} [${error.url}]`;
  }
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    if (cause?.code === "ECONNREFUSED" || cause?.code === "ENOTFOUND")
      return `cannot reach the model provider (${cause.code}): ${firstLine(error.message)}`;
    return firstLine(error.message);
  }
  return String(error);
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
