import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";

/**
 * The real path of the deepest existing ancestor, with the rest appended (files about to be created).
 * A dangling symlink on the way is followed to where it points: writing through it creates the file
 * there, so that is where the path really is.
 */
export function realOfNearestExisting(path: string, hops = 0): string {
  let current = path;
  const rest: string[] = [];
  for (;;) {
    try {
      return resolve(realpathSync(current), ...[...rest].reverse());
    } catch {
      const target = danglingTarget(current);
      if (target !== undefined && hops < 40)
        return realOfNearestExisting(resolve(dirname(current), target, ...[...rest].reverse()), hops + 1);
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
