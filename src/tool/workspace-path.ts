import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";

export interface ResolvedPath {
  absolute: string;
  /** Path relative to the workspace, for display. */
  display: string;
  /** True when the real location (after symlinks and `..`) is outside the workspace. */
  external: boolean;
}

/** Resolves a tool's path argument against the workspace; symlinks and `..` can't hide an escape. */
export function resolveWorkspacePath(workspace: string, input: string): ResolvedPath {
  const absolute = isAbsolute(input) ? resolve(input) : resolve(workspace, input);
  const root = realOrSelf(workspace);
  const real = realOfNearestExisting(absolute);
  const rel = relative(root, real);
  const external = rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  return { absolute, display: external ? absolute : relative(workspace, absolute) || ".", external };
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * The real path of the deepest existing ancestor, with the rest appended (files about to be created).
 * A dangling symlink on the way is followed to where it points: writing through it creates the file
 * there, so that is where the path really is.
 */
function realOfNearestExisting(path: string, hops = 0): string {
  let current = path;
  const rest: string[] = [];
  for (;;) {
    try {
      return resolve(realpathSync(current), ...[...rest].reverse());
    } catch {
      const target = danglingTarget(current);
      if (target !== undefined && hops < 40) return realOfNearestExisting(resolve(dirname(current), target, ...[...rest].reverse()), hops + 1);
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(current.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      current = parent;
    }
  }
}

function danglingTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}
