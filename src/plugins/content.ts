import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { MANIFEST } from "./manifest.ts";

/**
 * Every file of the plugin folder but `manifest.json`, at any depth, by relative path (posix
 * separators) → SHA-256 hex. A symlink or any other special file is an error: it could run what no
 * hash covers.
 */
export function hashFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      const rel = relative(dir, path).split(sep).join("/");
      if (entry.isDirectory()) walk(path);
      else if (!entry.isFile()) throw new Error(`'${rel}' is not a regular file (symlinks are not allowed)`);
      else if (rel !== MANIFEST) files[rel] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  walk(dir);
  return files;
}

/**
 * The content hash: SHA-256 over one line `<path>\0<sha256 hex>\n` per file, sorted by path (byte order),
 * so that any file added, removed, renamed or changed changes it.
 */
export function contentHash(files: Record<string, string>): string {
  const hash = createHash("sha256");
  for (const path of Object.keys(files).sort()) hash.update(`${path}\0${files[path]}\n`);
  return hash.digest("hex");
}

/** The first difference between the signed list and the folder, in words; undefined when equal. */
export function describeChange(signed: Record<string, string>, actual: Record<string, string>): string | undefined {
  for (const path of Object.keys(signed).sort()) {
    if (!(path in actual)) return `file '${path}' is missing`;
    if (actual[path] !== signed[path])
      return `file '${path}' changed (sha256 ${actual[path]!.slice(0, 12)}…, signed ${signed[path]!.slice(0, 12)}…)`;
  }
  const added = Object.keys(actual)
    .sort()
    .find((path) => !(path in signed));
  return added ? `file '${added}' was added after signing` : undefined;
}
