import { setV8Flags } from "./v8-flags.ts";

/**
 * V8 settings for the first second of a command. A one-shot task is over in ~200 ms: the optimising
 * compiler's background jobs and a young generation grown to 8 MiB cost it ~15 MiB of peak memory and
 * win nothing in that time (measured: 76.7 → 62.6 MiB, same CPU); serve's start-up likewise (idle RSS
 * 76.7 → ~66 MiB). After that second V8's usual settings return, so long runs and a loaded serve keep
 * the optimiser.
 */
const LEAN = "--no-opt --optimize-for-size --semi-space-growth-factor=1";
const USUAL = "--opt --no-optimize-for-size --semi-space-growth-factor=2";
const LEAN_FOR_MS = 1000;

let restore: NodeJS.Timeout | undefined;

/** Starts lean; the usual settings return after LEAN_FOR_MS (the timer never keeps the process alive). */
export function startLean(): void {
  setV8Flags(LEAN);
  restore = setTimeout(() => setV8Flags(USUAL), LEAN_FOR_MS).unref();
}

/**
 * V8 stamps a code cache with a hash of the flags and rejects it under others: a cache is made under
 * the lean flags it will be loaded under, whenever the run ends.
 */
export function leanFlagsForCodeCache(): void {
  clearTimeout(restore);
  setV8Flags(LEAN);
}
