import { realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import type { BusHandle } from "../bus/bus-handle.ts";
import type { CommandRunner } from "../contracts/command.ts";
import type { AgentEvent } from "../contracts/agent-events.ts";
import { ralphEmitter, type RalphEvent } from "./events.ts";
import { loadPrd, savePrd, type Prd, type UserStory } from "./prd.ts";
import { appendProgress } from "./progress.ts";
import { prdIdOf, writeStatus, type RalphFinalStatus, type RalphStatus } from "./status.ts";
import type { AttemptResult, CreateStoryAgent } from "./story-attempt.ts";

export interface RalphRunOptions {
  prdPath: string;
  dataDir: string;
  maxIterations: number;
  /** Retries of a failed story before the loop moves on (the original's max_quality_retries). */
  maxQualityRetries: number;
  /** Commit each passed story (`ralph: US-001 <title>`). */
  commit: boolean;
  /** Stories of one dependency stage run at once, each in its own worktree (1: one by one in the project). */
  parallel: number;
  createAgent: CreateStoryAgent;
  /** The sandbox: quality gates and shell verification steps run through it. */
  runner: CommandRunner;
  signal: AbortSignal;
  bus?: BusHandle;
  onEvent?: (event: RalphEvent) => void;
  onAgentEvent?: (storyId: string, event: AgentEvent) => void;
}

export interface RalphOutcome {
  status: RalphFinalStatus;
  iterations: number;
  passed: number;
  total: number;
  prdId: string;
}

/** The state of one `ralph run`: the PRD, what each story's attempts gave, and the status file. */
export class RalphRun {
  readonly prdPath: string;
  /** The PRD's directory: the agent works there and the gates run from there. */
  readonly root: string;
  readonly prdId: string;
  readonly progressPath: string;
  readonly prd: Prd;
  readonly status: RalphStatus;
  readonly emit: (event: RalphEvent) => void;
  /** Stories that used all their attempts in this run. */
  readonly gaveUp = new Set<string>();
  private readonly failures = new Map<string, string>();
  iterations = 0;

  constructor(readonly options: RalphRunOptions) {
    this.prd = loadPrd(options.prdPath);
    this.prdPath = realpathSync(options.prdPath);
    this.root = dirname(this.prdPath);
    this.prdId = prdIdOf(this.prdPath);
    this.progressPath = join(this.root, "progress.txt");
    this.emit = ralphEmitter(options.onEvent, options.bus);
    const now = new Date().toISOString();
    this.status = {
      prd_id: this.prdId,
      prd_path: this.prdPath,
      project: this.prd.project,
      feature: this.prd.feature,
      branch_name: this.prd.branch_name,
      status: "running",
      pid: process.pid,
      started_at: now,
      updated_at: now,
      iterations: 0,
      max_iterations: options.maxIterations,
      stories: Object.fromEntries(this.prd.user_stories.map((s) => [s.id, { attempts: 0 }])),
    };
  }

  /** The next iteration's number, or undefined when --max-iterations is used up. */
  startIteration(story: UserStory): { iteration: number; attempt: number } | undefined {
    if (this.iterations >= this.options.maxIterations) return undefined;
    const iteration = ++this.iterations;
    const state = this.status.stories[story.id]!;
    const attempt = ++state.attempts;
    this.status.iterations = iteration;
    this.status.current_story = story.id;
    writeStatus(this.options.dataDir, this.status);
    this.emit({
      type: "iteration_started",
      prd_id: this.prdId,
      iteration,
      story_id: story.id,
      title: story.title,
      attempt,
    });
    return { iteration, attempt };
  }

  previousFailure(storyId: string): string | undefined {
    return this.failures.get(storyId);
  }

  /** Records an attempt: progress.txt, the status file, and on success the PRD (saved atomically). */
  record(story: UserStory, iteration: number, attempt: number, result: AttemptResult): void {
    appendProgress(this.progressPath, {
      iteration,
      storyId: story.id,
      title: story.title,
      attempt,
      outcome: result.outcome,
      reason: result.reason,
      checks: result.checks,
      summary: result.summary,
      learnings: result.learnings,
    });
    const state = this.status.stories[story.id]!;
    state.last_result = result.outcome;
    state.last_failure = result.failure;
    state.last_checks = result.checks.map(({ name, passed }) => ({ name, passed }));
    this.status.last_iteration = { iteration, story_id: story.id, outcome: result.outcome, reason: result.reason };
    this.status.current_story = undefined;
    if (result.outcome === "passed") {
      story.passes = true;
      savePrd(this.prdPath, this.prd);
      this.failures.delete(story.id);
    } else if (result.outcome === "failed") {
      this.failures.set(story.id, result.failure ?? result.reason ?? "failed");
      const gaveUp = state.attempts > this.options.maxQualityRetries;
      if (gaveUp) this.gaveUp.add(story.id);
      this.emit({
        type: "story_failed",
        prd_id: this.prdId,
        iteration,
        story_id: story.id,
        reason: result.reason ?? "failed",
        gave_up: gaveUp,
      });
    }
    writeStatus(this.options.dataDir, this.status);
  }

  passedCount(): number {
    return this.prd.user_stories.filter((s) => s.passes).length;
  }

  finish(status: RalphFinalStatus): RalphOutcome {
    this.status.status = status;
    this.status.current_story = undefined;
    this.status.finished_at = new Date().toISOString();
    writeStatus(this.options.dataDir, this.status);
    const outcome = {
      status,
      iterations: this.iterations,
      passed: this.passedCount(),
      total: this.prd.user_stories.length,
      prdId: this.prdId,
    };
    this.emit({
      type: "finished",
      prd_id: this.prdId,
      status,
      iterations: outcome.iterations,
      passed: outcome.passed,
      total: outcome.total,
    });
    return outcome;
  }
}
