import { wrapLanguageModel, type LanguageModel } from "ai";
import { DEFAULT_RETRY, isRetryable, retryDelay } from "../agent/retry.ts";

type WrappableModel = Parameters<typeof wrapLanguageModel>[0]["model"];

/**
 * The swarm's shared rate limit: every sub-agent's model requests pass one gate. When the provider
 * answers one of them with 429/5xx, the whole swarm holds its requests for the wait the provider asked
 * (or the backoff), instead of each sub-agent hammering it on its own schedule.
 */
export class ModelGate {
  private pausedUntil = 0;
  /** Requests held by a pause so far (for the stats and tests). */
  held = 0;

  /** Resolves once no pause is in force, or once the request is aborted (the model call then fails at once). */
  async enter(signal?: AbortSignal): Promise<void> {
    // An abort event already fired is not fired again: an aborted request is let through, not held.
    // A request is counted once, however many waits it takes (a timer may end a millisecond before Date.now()
    // reaches the pause's end, or a new 429 may extend the pause).
    let counted = false;
    for (let wait = this.pausedUntil - Date.now(); wait > 0 && !signal?.aborted; wait = this.pausedUntil - Date.now()) {
      if (!counted) this.held++;
      counted = true;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, wait);
        signal?.addEventListener("abort", done, { once: true });
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          resolve();
        }
      });
    }
  }

  /** A request failed: a retryable failure pauses everyone for its backoff. */
  failed(error: unknown, attempt = 1): void {
    if (!isRetryable(error)) return;
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + retryDelay(error, attempt, DEFAULT_RETRY));
  }

  /** The model with its requests passing this gate. */
  wrap(language: LanguageModel): LanguageModel {
    if (typeof language === "string") return language;
    const through = async <T>(call: () => PromiseLike<T>, signal?: AbortSignal): Promise<T> => {
      await this.enter(signal);
      try {
        return await call();
      } catch (error) {
        this.failed(error);
        throw error;
      }
    };
    return wrapLanguageModel({
      model: language as WrappableModel,
      middleware: {
        specificationVersion: "v3",
        wrapGenerate: ({ doGenerate, params }) => through(doGenerate, params.abortSignal),
        wrapStream: ({ doStream, params }) => through(doStream, params.abortSignal),
      },
    });
  }
}
