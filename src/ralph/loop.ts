import { UserError, errorMessage } from "../contracts/errors.ts";
import { relative } from "node:path";
import { holdOrRefuse } from "../storage/exclusive-lock.ts";
import { nameFew } from "../util/name-list.ts";
import { checkoutBranch, commitProject, gitRoot, uncommittedPaths } from "./git.ts";
import { readProgress } from "./progress.ts";
import { nextStory, readyStories } from "./select.ts";
import { ralphLockDir, readStatus, writeStatus, type RalphFinalStatus, type RalphStatus } from "./status.ts";
import { attemptStory } from "./story-attempt.ts";
import { runParallelStage } from "./parallel.ts";
import { RalphRun, type RalphOutcome, type RalphRunOptions } from "./run-state.ts";

export type { RalphOutcome, RalphRunOptions } from "./run-state.ts";

/** Why the loop ends when no story is ready: all passed, or the rest failed or wait on failed ones. */
const whenNoneReady = (run: RalphRun): RalphFinalStatus =>
  run.passedCount() === run.prd.user_stories.length ? "completed" : "quality_failed";

/**
 * `ralph run`: on the PRD's branch, story after story (or stage after stage with `parallel` > 1), a fresh
 * agent per attempt, checked by the project's gates, until every story passes, --max-iterations is used up,
 * the failing stories used their retries, or the signal stops it. A later run continues from the PRD.
 */
export async function runRalph(options: RalphRunOptions): Promise<RalphOutcome> {
  if (options.parallel > 1 && !options.commit)
    throw new UserError("--parallel merges each story's commits from its worktree: it cannot run with --no-commit");
  const run = new RalphRun(options);
  // Two loops on one PRD would edit the same files and race on its commits (a story agent calling the
  // ralph tool on its own PRD is one in this process): the lock is held from before the status is read.
  const release = holdOrRefuse(ralphLockDir(options.dataDir), run.prdId, () => {
    // Read once refused: the status the running loop wrote names its pid.
    const running = readStatus(options.dataDir, run.prdId);
    const pid = running?.status === "running" ? ` (pid ${running.pid})` : "";
    return `Ralph is already running on ${run.prdPath}${pid}; see: codetether ralph status`;
  });
  try {
    return await loop(run, options, readStatus(options.dataDir, run.prdId));
  } finally {
    release();
  }
}

/**
 * A passed story is committed with everything changed under the PRD's directory, so that directory must hold
 * no one else's uncommitted work when the loop starts: only Ralph's own files and what its last run left.
 */
async function refuseOthersChanges(run: RalphRun, repo: string, previous: RalphStatus | undefined): Promise<void> {
  const own = new Set([
    relative(repo, run.prdPath),
    relative(repo, run.progressPath),
    ...(previous?.left_uncommitted ?? []),
  ]);
  const others = (await uncommittedPaths(run.root)).filter((path) => !own.has(path));
  if (others.length === 0) return;
  throw new UserError(
    `uncommitted changes Ralph would commit with its stories: ${nameFew(others)}; commit or stash them (git stash -u) first, or run with --no-commit`,
  );
}

async function loop(run: RalphRun, options: RalphRunOptions, previous: RalphStatus | undefined): Promise<RalphOutcome> {
  const repo = await gitRoot(run.root);
  if (options.commit) {
    await refuseOthersChanges(run, repo, previous);
    run.status.left_uncommitted = previous?.left_uncommitted;
  }
  await checkoutBranch(repo, run.prd.branch_name);
  /** What the next run may find uncommitted and take as its own (see refuseOthersChanges). */
  const noteLeftovers = async () => {
    if (!options.commit) return;
    run.status.left_uncommitted = await uncommittedPaths(run.root);
    writeStatus(options.dataDir, run.status);
  };
  // A stop is recorded at once: the process may be ended before the agent has unwound.
  const onAbort = () => {
    run.status.status = "stopped";
    writeStatus(options.dataDir, run.status);
  };
  options.signal.addEventListener("abort", onAbort, { once: true });
  writeStatus(options.dataDir, run.status);
  try {
    for (;;) {
      if (options.signal.aborted) return run.finish("stopped");
      if (options.parallel > 1) {
        const stage = readyStories(run.prd, run.gaveUp);
        if (stage.length === 0) return run.finish(whenNoneReady(run));
        if (run.iterations >= options.maxIterations) return run.finish("max_iterations");
        await runParallelStage(run, stage.slice(0, options.parallel), repo);
        await noteLeftovers();
        continue;
      }
      const story = nextStory(run.prd, run.gaveUp);
      if (!story) return run.finish(whenNoneReady(run));
      const started = run.startIteration(story);
      if (!started) return run.finish("max_iterations");
      const result = await attemptStory({
        prd: run.prd,
        prdId: run.prdId,
        story,
        iteration: started.iteration,
        attempt: started.attempt,
        progress: readProgress(run.progressPath),
        previousFailure: run.previousFailure(story.id),
        root: run.root,
        createAgent: options.createAgent,
        runner: options.runner,
        signal: options.signal,
        emit: run.emit,
        onAgentEvent: options.onAgentEvent && ((event) => options.onAgentEvent!(story.id, event)),
      });
      run.record(story, started.iteration, started.attempt, result);
      if (result.outcome === "passed") {
        const commit = options.commit ? await commitProject(run.root, `ralph: ${story.id} ${story.title}`) : undefined;
        run.emit({ type: "story_passed", prd_id: run.prdId, iteration: started.iteration, story_id: story.id, commit });
      }
      await noteLeftovers();
      if (result.outcome === "stopped") return run.finish("stopped");
    }
  } catch (error) {
    run.status.error = errorMessage(error);
    // What the failed iteration left is Ralph's own too (a kill -9 leaves it unrecorded: the next run names it).
    await noteLeftovers().catch(() => undefined);
    run.finish("stopped");
    throw error;
  } finally {
    options.signal.removeEventListener("abort", onAbort);
  }
}
