import { homedir } from "node:os";

const cache = new Map<string, RegExp>();

/**
 * Matches permission patterns the way opencode does: `*` is any run of characters (slashes included),
 * `?` one character, a leading `~/` is the home directory, and a trailing ` *` also matches nothing
 * (so `git *` covers `git` alone). The same syntax serves tool names, paths, command lines and URLs.
 */
export function matchWildcard(text: string, pattern: string): boolean {
  let regex = cache.get(pattern);
  if (!regex) {
    regex = compile(pattern);
    cache.set(pattern, regex);
  }
  return regex.test(text);
}

function compile(pattern: string): RegExp {
  const expanded = pattern.startsWith("~/") ? `${homedir()}${pattern.slice(1)}` : pattern;
  let source = expanded
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  if (source.endsWith(" .*")) source = `${source.slice(0, -3)}( .*)?`;
  return new RegExp(`^${source}$`, "s");
}
