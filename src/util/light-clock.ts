/**
 * The part of `performance` the AI SDK uses: `now()`, for its step and chunk timings (differences of two
 * readings). Node 20's global `performance` loads perf_hooks and its timing modules on first use (~1 ms
 * and ~0.8 MiB, before a one-shot run's first model request), for a clock process.uptime() reads as well:
 * the build gives this one to the AI SDK in place of the global (scripts/build.mjs, plugin `lightClock`).
 */
export const performance = { now: (): number => process.uptime() * 1000 };
