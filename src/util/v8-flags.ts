import { createRequire } from "node:module";

/** Sets V8 flags at run time. node:v8 is required on use: the command table (and so --help) imports callers. */
export function setV8Flags(flags: string): void {
  (createRequire(import.meta.url)("node:v8") as typeof import("node:v8")).setFlagsFromString(flags);
}
