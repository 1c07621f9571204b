import { realpathSync } from "node:fs";
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

/** The real path of the deepest existing ancestor, with the rest appended (files about to be created). */
function realOfNearestExisting(path: string): string {
  let current = path;
  const rest: string[] = [];
  for (;;) {
    try {
      return resolve(realpathSync(current), ...rest.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(current.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      current = parent;
    }
  }
}
