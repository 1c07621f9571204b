import { readFile } from "node:fs/promises";
import { join, sep } from "node:path";
import ignore from "ignore";

const ALWAYS_IGNORED = [".git", "node_modules"];

/** A predicate for workspace-relative paths that listing tools skip: .git, node_modules, .gitignore. */
export async function loadIgnore(workspace: string): Promise<(relativePath: string, isDirectory: boolean) => boolean> {
  const rules = ignore().add(ALWAYS_IGNORED);
  const gitignore = await readFile(join(workspace, ".gitignore"), "utf8").catch(() => "");
  rules.add(gitignore);
  return (relativePath, isDirectory) => {
    if (!relativePath || relativePath.startsWith("..")) return false;
    const posix = relativePath.split(sep).join("/");
    return rules.ignores(isDirectory ? `${posix}/` : posix);
  };
}
