import { join, relative } from "node:path";
import { UserError } from "../contracts/errors.ts";
import { WorktreeSet, type Worktree } from "../worktree/git-worktrees.ts";
import { commitProject } from "./git.ts";
import type { RalphRun } from "./run-state.ts";
import type { UserStory } from "./prd.ts";
import { readProgress } from "./progress.ts";
import { attemptStory, type AttemptResult } from "./story-attempt.ts";

interface Attempted {
  story: UserStory;
  iteration: number;
  attempt: number;
  worktree: Worktree;
  result: AttemptResult;
}

/**
 * One dependency stage with `--parallel`: each story is attempted at once in its own git worktree (from
 * the current HEAD), then the passed ones are merged in story order. A merge conflict stops that story:
 * the conflict is reported and its branch kept, never lost.
 */
export async function runParallelStage(run: RalphRun, stories: UserStory[], repo: string): Promise<void> {
  const { options } = run;
  const worktrees = await WorktreeSet.open(repo, `ralph-${run.prdId}`);
  if (!worktrees) throw new UserError("--parallel needs a repository with at least one commit to branch from");
  const projectDir = relative(repo, run.root);
  const progress = readProgress(run.progressPath);
  const started = stories.flatMap((story) => {
    const iteration = run.startIteration(story);
    return iteration ? [{ story, ...iteration }] : [];
  });
  const attempted: Attempted[] = await Promise.all(
    started.map(async ({ story, iteration, attempt }) => {
      const worktree = await worktrees.create(story.id);
      const result = await attemptStory({
        prd: run.prd,
        prdId: run.prdId,
        story,
        iteration,
        attempt,
        progress,
        previousFailure: run.previousFailure(story.id),
        root: join(worktree.path, projectDir),
        createAgent: options.createAgent,
        runner: options.runner,
        signal: options.signal,
        emit: run.emit,
        onAgentEvent: options.onAgentEvent && ((event) => options.onAgentEvent!(story.id, event)),
      });
      return { story, iteration, attempt, worktree, result };
    }),
  );
  // In PRD order, so that the history reads as the PRD does whatever finished first.
  const order = new Map(run.prd.user_stories.map((story, index) => [story.id, index]));
  attempted.sort((a, b) => order.get(a.story.id)! - order.get(b.story.id)!);
  for (const { story, iteration, attempt, worktree, result } of attempted) {
    const title = `ralph: ${story.id} ${story.title}`;
    if (result.outcome !== "passed") {
      run.record(story, iteration, attempt, result);
      // A failed attempt's work is dropped: the retry starts fresh from the merged stories.
      await worktrees.remove(worktree, { deleteBranch: true });
      continue;
    }
    // A merge git refuses outright (not a conflict) fails this story, not the whole stage.
    const merge = await worktrees.merge(worktree, title).catch((error: Error) => ({
      merged: false as const,
      branch: worktree.branch,
      conflicts: [],
      reason: error.message,
    }));
    if (!merge.merged) {
      const reason = merge.conflicts.length
        ? `merge conflict in ${merge.conflicts.join(", ")} (work kept on branch ${merge.branch})`
        : `${merge.reason} (work kept on branch ${merge.branch})`;
      run.gaveUp.add(story.id);
      run.record(story, iteration, attempt, { ...result, outcome: "failed", reason, failure: reason });
      await worktrees.remove(worktree);
      continue;
    }
    run.record(story, iteration, attempt, result);
    const commit = await commitProject(run.root, `ralph: ${story.id} passed`);
    run.emit({
      type: "story_passed",
      prd_id: run.prdId,
      iteration,
      story_id: story.id,
      commit: commit ?? merge.commit,
    });
    await worktrees.remove(worktree, { deleteBranch: true });
  }
}
