import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, WorktreeSet } from "../../src/worktree/git-worktrees.ts";

const sh = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" });

describe("git worktrees", () => {
  let repo: string;
  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), "codetether-wt-"));
    sh(repo, "init", "-q", "-b", "main");
    writeFileSync(join(repo, "shared.txt"), "base\n");
    sh(repo, "add", ".");
    sh(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base");
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it("is undefined outside a git repository and in one without a commit", async () => {
    const plain = mkdtempSync(join(tmpdir(), "codetether-plain-"));
    try {
      assert.equal(await WorktreeSet.open(plain, "r1"), undefined);
      sh(plain, "init", "-q");
      assert.equal(await WorktreeSet.open(plain, "r1"), undefined);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it("merges each worktree's files back, hidden from git status, and reuses a worktree on resume", async () => {
    const set = (await WorktreeSet.open(repo, "run1"))!;
    const a = await set.create("a");
    const b = await set.create("b");
    assert.ok(a.path.startsWith(join(repo, ".git")));
    assert.deepEqual(await set.create("a"), a);
    // A worktree whose folder was deleted (git lists it as prunable) is made again from its branch.
    rmSync(a.path, { recursive: true });
    assert.deepEqual(await set.create("a"), a);
    assert.ok(existsSync(join(a.path, "shared.txt")));
    writeFileSync(join(a.path, "a.txt"), "from a\n");
    writeFileSync(join(b.path, "b.txt"), "from b\n");
    assert.equal(sh(repo, "status", "--porcelain"), "");
    const first = await set.merge(a, "subtask a");
    const second = await set.merge(b, "subtask b");
    assert.deepEqual([first.merged, second.merged], [true, true]);
    assert.deepEqual(first.merged && first.files, ["a.txt"]);
    assert.equal(readFileSync(join(repo, "a.txt"), "utf8"), "from a\n");
    assert.equal(readFileSync(join(repo, "b.txt"), "utf8"), "from b\n");
    await set.remove(a, { deleteBranch: true });
    assert.ok(!existsSync(a.path));
    assert.ok(!sh(repo, "branch").includes(a.branch));
  });

  it("reports a conflict with its files and keeps the work on the branch", async () => {
    const set = (await WorktreeSet.open(repo, "run2"))!;
    const a = await set.create("a");
    const b = await set.create("b");
    writeFileSync(join(a.path, "shared.txt"), "a's version\n");
    writeFileSync(join(b.path, "shared.txt"), "b's version\n");
    assert.equal((await set.merge(a, "a")).merged, true);
    const result = await set.merge(b, "b");
    assert.equal(result.merged, false);
    assert.deepEqual(!result.merged && result.conflicts, ["shared.txt"]);
    assert.equal(readFileSync(join(repo, "shared.txt"), "utf8"), "a's version\n");
    assert.equal(sh(repo, "status", "--porcelain"), "", "the failed merge is undone");
    assert.equal(sh(repo, "show", `${b.branch}:shared.txt`), "b's version\n");
  });

  it("a merge git refuses over untracked files names them", async () => {
    const set = (await WorktreeSet.open(repo, "run-untracked"))!;
    const a = await set.create("a");
    writeFileSync(join(a.path, "x.txt"), "from a\n");
    writeFileSync(join(repo, "x.txt"), "the user's own\n");
    await assert.rejects(set.merge(a, "a"), /would be overwritten by merge: x\.txt/);
    assert.equal(readFileSync(join(repo, "x.txt"), "utf8"), "the user's own\n");
  });

  it("a failing git command is reported by git's fatal line, not by its progress line", async () => {
    await assert.rejects(
      git(repo, ["worktree", "add", "-b", "nowhere", join(repo, "w"), "no-such-revision"]),
      /^Error: git worktree: fatal: not a valid object name: 'no-such-revision'$/,
    );
  });

  it("two runs merging into one repository at once (two swarms) take turns: every merge lands, nothing is left half-merged", async () => {
    const runs = await Promise.all(["p", "q"].map(async (run) => (await WorktreeSet.open(repo, run))!));
    const results = await Promise.all(
      runs.map(async (set, r) => {
        const trees = await Promise.all([1, 2, 3, 4].map((i) => set.create(`st-${i}`)));
        for (const [i, tree] of trees.entries()) writeFileSync(join(tree.path, `${"pq"[r]}${i}.txt`), `${r}${i}\n`);
        return Promise.all(trees.map((tree) => set.merge(tree, `subtask ${tree.name}`)));
      }),
    );
    assert.deepEqual(
      results.flat().map((result) => result.merged),
      Array(8).fill(true),
    );
    assert.equal(sh(repo, "status", "--porcelain"), "");
    assert.ok(!existsSync(join(repo, ".git", "MERGE_HEAD")));
    for (const name of ["p0", "p3", "q0", "q3"]) assert.ok(existsSync(join(repo, `${name}.txt`)), name);
  });

  it("worktrees asked for all at once are all made (git's worktree add races with itself)", async () => {
    // Concurrent `git worktree add`s fail now and then reading each other's half-made admin dirs; a swarm
    // stage asks for all its worktrees at once. Twelve rounds of twelve: enough for the race to show here without the queue.
    for (let round = 0; round < 12; round++) {
      const set = (await WorktreeSet.open(repo, `burst${round}`))!;
      const made = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => set.create(`st-${i}`)));
      const failed = made.flatMap((m) => (m.status === "rejected" ? [String(m.reason)] : []));
      assert.deepEqual(failed, []);
    }
  });
});
