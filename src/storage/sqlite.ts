import Database from "better-sqlite3";
import { createRequire } from "node:module";

let addon: string | undefined;

/**
 * `new Database(path, options)` of better-sqlite3, with its native addon named directly. Left to find
 * it, better-sqlite3 asks the `bindings` package, which reads a stack trace and tries a dozen paths, and
 * that only works from node_modules: the CLI bundles better-sqlite3's JavaScript (scripts/build.mjs),
 * which spares a one-shot run reading and compiling its 13 files (~5 ms before the first model request).
 */
export function openSqlite(path: string, options: Database.Options = {}): Database.Database {
  addon ??= createRequire(import.meta.url).resolve("better-sqlite3/build/Release/better_sqlite3.node");
  return new Database(path, { ...options, nativeBinding: addon });
}
