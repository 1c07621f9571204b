import { git, hasIdentity } from "../worktree/git-worktrees.ts";
import { UserError } from "../contracts/errors.ts";

/** The top of the git work tree holding `dir`; a one-line error when there is none. */
export async function gitRoot(dir: string): Promise<string> {
  try {
    return (await git(dir, ["rev-parse", "--show-toplevel"])).trim();
  } catch {
    throw new UserError(`${dir} is not in a git repository: Ralph keeps its memory in git (run git init first)`);
  }
}

/** Checks out the PRD's branch, creating it from the current HEAD when it does not exist. */
export async function checkoutBranch(root: string, branch: string): Promise<void> {
  const current = await git(root, ["symbolic-ref", "--short", "-q", "HEAD"]).then(
    (out) => out.trim(),
    () => "",
  );
  if (current === branch) return;
  const exists = await git(root, ["rev-parse", "--verify", "-q", `refs/heads/${branch}`]).then(
    () => true,
    () => false,
  );
  try {
    await git(root, exists ? ["checkout", "-q", branch] : ["checkout", "-q", "-b", branch]);
  } catch (error) {
    throw new UserError(`cannot check out ${branch}: ${(error as Error).message}`);
  }
}

/** The files under `dir` with uncommitted changes, staged or not, untracked ones included: paths from the repository's root. */
export async function uncommittedPaths(dir: string): Promise<string[]> {
  const fields = (await git(dir, ["status", "--porcelain", "-z", "--untracked-files=all", "--", "."])).split("\0");
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    if (entry[0] === "R" || entry[0] === "C") i++; // a rename's or copy's source comes next
  }
  return paths;
}

/** Commits everything changed under `dir` (the project root); the short commit id, or undefined when nothing changed. */
export async function commitProject(dir: string, message: string): Promise<string | undefined> {
  await git(dir, ["add", "-A", "--", "."]);
  const staged = await git(dir, ["diff", "--cached", "--name-only"]);
  if (!staged.trim()) return undefined;
  await git(dir, ["commit", "-q", "--no-verify", "-m", message], { identity: !(await hasIdentity(dir)) });
  return (await git(dir, ["rev-parse", "--short", "HEAD"])).trim();
}
