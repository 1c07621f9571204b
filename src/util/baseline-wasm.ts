import { setFlagsFromString } from "node:v8";

/**
 * Keeps WebAssembly on V8's baseline compiler. The only wasm we run is undici's HTTP parser (behind
 * fetch); V8 would otherwise re-compile it with its optimising tier in the background, which costs
 * ~25 MiB of peak memory and holds up process exit until done, for no gain on model-sized streams.
 */
export function baselineWasmOnly(): void {
  setFlagsFromString("--liftoff-only");
}
