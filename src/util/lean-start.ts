import { setV8Flags } from "./v8-flags.ts";

/**
 * V8 settings for the first second of a command. A one-shot task is over in ~200 ms: the optimising
 * compiler's background jobs and a young generation grown to 8 MiB cost it ~15 MiB of peak memory and
 * win nothing in that time (measured: 76.7 → 62.6 MiB, same CPU); serve's start-up likewise (idle RSS
 * 76.7 → ~66 MiB). Nor do Sparkplug (baseline code) and the regexp compiler run: bytecode and
 * interpreted regexps are fast enough for that second, and neither compiler's code in the node binary
 * nor its output is paged in (one-shot peak −1.2 MiB). Regexps made meanwhile compile only after 100,000
 * runs (V8 crashes if --regexp-interpret-all is turned off again). After that second V8's usual
 * settings return, so long runs and a loaded serve keep the optimiser.
 */
const LEAN =
  "--incremental-marking-hard-trigger=0 --no-opt --optimize-for-size --semi-space-growth-factor=1 --no-sparkplug --regexp-tier-up-ticks=100000";
const USUAL =
  "--incremental-marking-hard-trigger=0 --opt --no-optimize-for-size --semi-space-growth-factor=2 --sparkplug --regexp-tier-up-ticks=1";
const LEAN_FOR_MS = 1000;

/**
 * The flag set in effect (V8's defaults are the usual set), kept on the process: run.cjs carries its own
 * copy of this module, and the flags are the process's, not a copy's.
 */
const FLAG_SET = Symbol.for("codetether.v8-flag-set");
const flagState = process as { [FLAG_SET]?: string };
let restore: NodeJS.Timeout | undefined;

/** Starts lean; the usual settings return after LEAN_FOR_MS (the timer never keeps the process alive). */
export function startLean(): void {
  setFlagSet(LEAN);
  restore = setTimeout(() => setFlagSet(USUAL), LEAN_FOR_MS).unref();
}

function setFlagSet(flags: string): void {
  flagState[FLAG_SET] = flags;
  setV8Flags(flags);
}

/**
 * Marks the old generation for a full collection early (--incremental-marking-hard-trigger: once half
 * its headroom is used, not all of it), until the usual settings return. A one-shot run calls it once
 * its first model request is out, so that start-up's old garbage goes while the model answers, before
 * the tool runs and the logs open (the run's peak). Left to the limit, that collection came before the
 * first request while every command was registered, and not at all once only `run` was: peak +0.5 MiB.
 * Both flag sets above reset it (the code cache is stamped with the flags, see flagsForCodeCache).
 */
export function collectEarly(): void {
  setV8Flags("--incremental-marking-hard-trigger=50");
}

/** The flag set a script compiled now is compiled under; hand it to flagsForCodeCache when caching it. */
export function compileFlags(): string {
  return flagState[FLAG_SET] ?? USUAL;
}

/**
 * V8 stamps a code cache with a hash of the flags and rejects it under others: a cache is made under
 * the flags its script was compiled under (the lean set for what a command loads at start, the usual one
 * for a bundle serve loads at its first task), which is what the next process loads it under.
 */
export function flagsForCodeCache(flags: string): void {
  clearTimeout(restore);
  setFlagSet(flags);
}
