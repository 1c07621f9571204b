import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The checked-out branch of the repository holding `dir` (short commit when detached), without running git. */
export function gitBranch(dir: string): string | undefined {
  for (let current = resolve(dir); ; current = dirname(current)) {
    const dotGit = join(current, ".git");
    const head = readHead(dotGit);
    if (head !== undefined) {
      const ref = /^ref: refs\/heads\/(.+)$/.exec(head);
      return ref ? ref[1] : head.slice(0, 7);
    }
    if (dirname(current) === current) return undefined;
  }
}

function readHead(dotGit: string): string | undefined {
  try {
    // A worktree or submodule has a `.git` file pointing at the real git directory.
    const gitDir = statSync(dotGit).isFile()
      ? resolve(
          dirname(dotGit),
          readFileSync(dotGit, "utf8")
            .replace(/^gitdir:\s*/, "")
            .trim(),
        )
      : dotGit;
    return readFileSync(join(gitDir, "HEAD"), "utf8").trim();
  } catch {
    return undefined;
  }
}
