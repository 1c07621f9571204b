import type * as Tinyglobby from "tinyglobby";
import type { GlobOptions } from "tinyglobby";

// tinyglobby is loaded on first use: with it comes fdir, which reads and compiles a second picomatch from
// node_modules when it loads (~3 ms and ~0.3 MiB of every run, most of which never glob).
const tinyglobby = (): Promise<typeof Tinyglobby> => import("tinyglobby");

/** tinyglobby's `glob`. */
export async function glob(
  patterns: string | readonly string[],
  options?: Omit<GlobOptions, "patterns">,
): Promise<string[]> {
  return (await tinyglobby()).glob(patterns, options);
}

/** tinyglobby's `isDynamicPattern`: whether `pattern` is a glob rather than a path. */
export async function isDynamicPattern(pattern: string): Promise<boolean> {
  return (await tinyglobby()).isDynamicPattern(pattern);
}
