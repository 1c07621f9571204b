import { setV8Flags } from "./v8-flags.ts";

/**
 * Keeps WebAssembly on V8's baseline compiler. The wasm we run is undici's HTTP parser (behind fetch)
 * and, in the TUI, yoga's layout; V8 would otherwise re-compile them with its optimising tier in the
 * background, which costs ~25 MiB of peak memory and holds up process exit until done, for no gain on
 * model-sized streams and terminal-sized layouts.
 */
export function baselineWasmOnly(): void {
  setV8Flags("--liftoff-only");
}
