import { realpathSync } from "node:fs";
import { realOfNearestExisting } from "../util/real-path.ts";
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { PermissionTarget } from "../contracts/tool.ts";

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

/** A resolved path as a permission target: what the runner authorizes is the path the tool acts on. */
export interface PathTarget extends ResolvedPath, PermissionTarget {
  external: boolean;
}

/** A path tool's `targets`: its one path argument, resolved. */
export function pathTarget(workspace: string, input: string): PathTarget {
  const resolved = resolveWorkspacePath(workspace, input);
  return { ...resolved, target: resolved.absolute };
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
