import { createRequire } from "node:module";

/**
 * Keeps WebAssembly on V8's baseline compiler. The wasm we run is undici's HTTP parser (behind fetch)
 * and, in the TUI, yoga's layout; V8 would otherwise re-compile them with its optimising tier in the
 * background, which costs ~25 MiB of peak memory and holds up process exit until done, for no gain on
 * model-sized streams and terminal-sized layouts.
 */
export function baselineWasmOnly(): void {
  // node:v8 is required on use: the command table (and so --help) imports this module.
  (createRequire(import.meta.url)("node:v8") as typeof import("node:v8")).setFlagsFromString("--liftoff-only");
}
