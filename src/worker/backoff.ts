import { setTimeout as sleep } from "node:timers/promises";

/** Exponential backoff with jitter: 250 ms doubling up to `maxMs`; `reset()` after a success. */
export class Backoff {
  #attempt = 0;

  constructor(
    private readonly initialMs = 250,
    private readonly maxMs = 5000,
  ) {}

  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** this.#attempt++);
    return base / 2 + Math.random() * (base / 2);
  }

  reset(): void {
    this.#attempt = 0;
  }

  /** Waits the next delay; resolves early (without throwing) when the signal aborts. */
  async wait(signal?: AbortSignal): Promise<void> {
    await sleep(this.next(), undefined, { signal }).catch(() => {});
  }
}
