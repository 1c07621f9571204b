import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm, rmdir } from "node:fs/promises";
import { holdExclusiveWhenFree } from "../storage/exclusive-lock.ts";
import { nameFew } from "../util/name-list.ts";
import path from "node:path";

/** A git worktree on its own branch, where one sub-agent or story changes files apart from the others. */
export interface Worktree {
  name: string;
  path: string;
  branch: string;
}

export type MergeResult =
  | { merged: true; branch: string; commit?: string; files: string[] }
  | { merged: false; branch: string; conflicts: string[]; reason: string };

// Commits made by an orchestrator must not fail on a machine without a configured git identity.
const IDENTITY = ["-c", "user.name=CodeTether", "-c", "user.email=codetether@localhost"];

/**
 * Runs git in `cwd`; resolves with stdout, rejects with git's own `fatal:`/`error:` line of stderr (else its
 * first line: `worktree add` prints "Preparing worktree …" before what went wrong).
 */
export function git(cwd: string, args: string[], options: { identity?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const hasIdentity = options.identity ?? false;
    execFile(
      "git",
      [...(hasIdentity ? IDENTITY : []), ...args],
      { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args[0]}: ${gitReason(stderr) ?? error.message}`));
        else resolve(stdout);
      },
    );
  });
}

/**
 * git's `fatal:`/`error:` line (else its first); one ending in ":" gets the indented lines after it (the
 * files "would be overwritten by merge:"), which say what is in the way.
 */
function gitReason(stderr: string): string | undefined {
  const lines = stderr.trim().split("\n").filter(Boolean);
  const at = Math.max(
    0,
    lines.findIndex((line) => /^(fatal|error):/.test(line)),
  );
  const why = lines[at];
  if (!why?.endsWith(":")) return why;
  const listed = lines
    .slice(at + 1)
    .filter((line) => /^\s/.test(line))
    .map((line) => line.trim());
  return listed.length ? `${why} ${nameFew(listed)}` : why;
}

/** Whether git has a user.name and user.email for commits in `cwd` (else orchestrators commit as CodeTether). */
export async function hasIdentity(cwd: string): Promise<boolean> {
  const [name, email] = await Promise.all(
    ["user.name", "user.email"].map((key) => git(cwd, ["config", key]).then(Boolean, () => false)),
  );
  return name && email;
}

/**
 * The worktrees of one orchestrated run (a swarm, a Ralph loop) in a git repository. Each lives under
 * `.git/codetether/worktrees/<run>/<name>`: inside the workspace (so the permission rules and the sandbox
 * that allow the workspace allow it) yet invisible to git status, ripgrep and globbing.
 */
export class WorktreeSet {
  /**
   * The tail of this set's changes to the repository itself (worktree add/remove, merges), run one at a time:
   * concurrent `git worktree add`s can fail reading each other's half-made admin dirs ("failed to read
   * .git/worktrees/<name>/commondir").
   */
  private repositoryQueue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly root: string,
    private readonly dir: string,
    private readonly branchPrefix: string,
    private readonly identity: boolean,
    /** Taken around each change too: other processes (two swarms in one repository) merge into it as well. */
    private readonly repositoryLock: string,
  ) {}

  /** The set for `runId` in the repository holding `workspace`; undefined when it is not in a git work tree. */
  static async open(workspace: string, runId: string): Promise<WorktreeSet | undefined> {
    const root = await git(workspace, ["rev-parse", "--show-toplevel"]).then(
      (out) => out.trim(),
      () => undefined,
    );
    if (!root) return undefined;
    // A repository without a commit has no HEAD to branch from.
    if (!(await git(root, ["rev-parse", "--verify", "HEAD"]).then(Boolean, () => false))) return undefined;
    const gitDir = path.resolve(root, (await git(root, ["rev-parse", "--git-dir"])).trim());
    const commonDir = path.resolve(root, (await git(root, ["rev-parse", "--git-common-dir"])).trim());
    return new WorktreeSet(
      root,
      path.join(gitDir, "codetether", "worktrees", runId),
      `codetether/${runId}/`,
      !(await hasIdentity(root)),
      path.join(commonDir, "codetether", "repository.lock"),
    );
  }

  /** A worktree on branch `codetether/<run>/<name>` from the current HEAD (an existing one is reused on resume). */
  create(name: string): Promise<Worktree> {
    return this.oneAtATime(() => this.createNow(name));
  }

  private async createNow(name: string): Promise<Worktree> {
    const worktree = { name, path: path.join(this.dir, name), branch: this.branchPrefix + name };
    const listed = await git(this.root, ["worktree", "list", "--porcelain"]);
    if (listed.includes(`worktree ${worktree.path}\n`)) {
      if (existsSync(worktree.path)) return worktree;
      // Its folder was deleted: git still lists it (prunable); made again below from its branch.
      await git(this.root, ["worktree", "prune"]);
    }
    await mkdir(this.dir, { recursive: true });
    const branchExists = await git(this.root, ["rev-parse", "--verify", `refs/heads/${worktree.branch}`]).then(
      () => true,
      () => false,
    );
    await git(
      this.root,
      branchExists
        ? ["worktree", "add", worktree.path, worktree.branch]
        : ["worktree", "add", "-b", worktree.branch, worktree.path, "HEAD"],
    );
    return worktree;
  }

  /** Commits everything the worktree changed on its branch; false when it changed nothing. */
  async commit(worktree: Worktree, message: string): Promise<boolean> {
    await git(worktree.path, ["add", "-A"]);
    const staged = await git(worktree.path, ["diff", "--cached", "--name-only"]);
    if (!staged.trim()) return false;
    await git(worktree.path, ["commit", "-q", "--no-verify", "-m", message], { identity: this.identity });
    return true;
  }

  /**
   * Commits the worktree's changes and merges its branch into the repository's checked-out branch. On a
   * conflict the merge is undone and the branch is kept with the work on it, never lost.
   */
  merge(worktree: Worktree, message: string): Promise<MergeResult> {
    return this.oneAtATime(() => this.mergeNow(worktree, message));
  }

  private async mergeNow(worktree: Worktree, message: string): Promise<MergeResult> {
    await this.commit(worktree, message);
    const files = (await git(this.root, ["diff", "--name-only", `HEAD...${worktree.branch}`]))
      .split("\n")
      .filter(Boolean);
    if (files.length === 0) return { merged: true, branch: worktree.branch, files };
    try {
      await git(this.root, ["merge", "--no-ff", "--no-edit", "-m", `merge ${worktree.branch}`, worktree.branch], {
        identity: this.identity,
      });
    } catch (error) {
      const conflicts = (await git(this.root, ["diff", "--name-only", "--diff-filter=U"]).catch(() => ""))
        .split("\n")
        .filter(Boolean);
      if (conflicts.length === 0) throw await this.whyNoMerge(error as Error);
      await git(this.root, ["merge", "--abort"]).catch(() => {});
      return { merged: false, branch: worktree.branch, conflicts, reason: (error as Error).message };
    }
    const commit = (await git(this.root, ["rev-parse", "HEAD"])).trim();
    return { merged: true, branch: worktree.branch, commit, files };
  }

  /** Files staged in the repository's index: git merges nothing while there are any. */
  async stagedChanges(): Promise<string[]> {
    return (await git(this.root, ["diff", "--cached", "--name-only"])).split("\n").filter(Boolean);
  }

  /** A merge git refused before it began (no conflict): the staged files when there are any, else git's words. */
  private async whyNoMerge(error: Error): Promise<Error> {
    const staged = await this.stagedChanges().catch(() => []);
    return staged.length ? new Error(stagedMessage(this.root, staged)) : error;
  }

  /** Removes the worktree's directory; its branch is deleted only when `deleteBranch` (after a clean merge). */
  remove(worktree: Worktree, options: { deleteBranch?: boolean } = {}): Promise<void> {
    return this.oneAtATime(() => this.removeNow(worktree, options));
  }

  private async removeNow(worktree: Worktree, options: { deleteBranch?: boolean }): Promise<void> {
    await git(this.root, ["worktree", "remove", "--force", worktree.path]).catch(async () => {
      await rm(worktree.path, { recursive: true, force: true });
      await git(this.root, ["worktree", "prune"]).catch(() => {});
    });
    if (options.deleteBranch) await git(this.root, ["branch", "-D", worktree.branch]).catch(() => {});
    // The run's directory goes with its last worktree, so runs do not pile up empty directories.
    await rmdir(this.dir).catch(() => {});
  }

  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const run = this.repositoryQueue.then(async () => {
      const release = await holdExclusiveWhenFree(this.repositoryLock);
      try {
        return await work();
      } finally {
        release();
      }
    });
    this.repositoryQueue = run.catch(() => {});
    return run;
  }
}

/** Why changes staged in `root` stop the merges, with what to do. */
export function stagedMessage(root: string, staged: string[]): string {
  return `changes are staged in ${root} (${nameFew(staged)}), and git merges nothing over them: commit or unstage them (git restore --staged .)`;
}
