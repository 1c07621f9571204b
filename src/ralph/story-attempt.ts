import type { CommandRunner } from "../contracts/command.ts";
import type { AgentEvent } from "../contracts/agent-events.ts";
import type { RalphEvent } from "./events.ts";
import { runQualityGates, type CheckResult } from "./gates.ts";
import type { Prd, UserStory } from "./prd.ts";
import { completionMarker, learningsOf, storyPrompt } from "./prompt.ts";
import { runVerificationSteps } from "./verification.ts";

/** What the loop needs of an agent: a PreparedAgent from app/agent-factory's prepareAgent is one. */
export interface StoryAgent {
  session: { id: string };
  run(input: string, overrides: { signal: AbortSignal }): AsyncIterable<AgentEvent>;
  close(): Promise<void>;
}

/** Assembles a fresh agent (a new session) working in `workspace`. */
export type CreateStoryAgent = (workspace: string) => Promise<StoryAgent>;

export interface AttemptInput {
  prd: Prd;
  prdId: string;
  story: UserStory;
  iteration: number;
  attempt: number;
  progress: string;
  previousFailure?: string;
  /** Where the agent works and the checks run: the project root, or its copy in a worktree. */
  root: string;
  createAgent: CreateStoryAgent;
  runner: CommandRunner;
  signal: AbortSignal;
  emit: (event: RalphEvent) => void;
  /** Each event of the story's agent, for a front end that shows them. */
  onAgentEvent?: (event: AgentEvent) => void;
}

export interface AttemptResult {
  outcome: "passed" | "failed" | "stopped";
  reason?: string;
  /** The failing check's detail, or why the agent's run did not count, for the retry prompt. */
  failure?: string;
  checks: CheckResult[];
  summary: string;
  learnings: string[];
}

/** Runs the agent until it ends; its final answer, or why it ended otherwise. */
async function runAgent(input: AttemptInput): Promise<{ text: string; problem?: string }> {
  const agent = await input.createAgent(input.root);
  let text = "";
  let problem: string | undefined = "the agent ended without finishing";
  let error = "";
  try {
    const prompt = storyPrompt({
      prd: input.prd,
      story: input.story,
      progress: input.progress,
      previousFailure: input.previousFailure,
    });
    for await (const event of agent.run(prompt, { signal: input.signal })) {
      input.onAgentEvent?.(event);
      if (event.type === "error") error = event.message;
      if (event.type === "finish") {
        text = event.text;
        problem = event.reason === "stop" ? undefined : `the agent ended: ${event.reason}${error ? ` (${error})` : ""}`;
      }
    }
  } finally {
    await agent.close();
  }
  return { text, problem };
}

/**
 * One attempt at one story: a fresh agent implements it and must end with `STORY_COMPLETE: <id>`; then the
 * quality gates and the story's verification steps decide, each stopping at its first failure.
 */
export async function attemptStory(input: AttemptInput): Promise<AttemptResult> {
  const { story, iteration, prdId, emit } = input;
  const stopped = (summary = ""): AttemptResult => ({
    outcome: "stopped",
    reason: "stopped",
    checks: [],
    summary,
    learnings: [],
  });
  const { text, problem } = await runAgent(input);
  if (input.signal.aborted) return stopped(text);
  const learnings = learningsOf(text);
  for (const learning of learnings) emit({ type: "learning", prd_id: prdId, iteration, story_id: story.id, learning });
  const failed = (reason: string, failure: string, checks: CheckResult[]): AttemptResult => ({
    outcome: "failed",
    reason,
    failure,
    checks,
    summary: text,
    learnings,
  });
  if (problem) return failed(problem, problem, []);
  if (!text.includes(completionMarker(story.id))) {
    const why = `the agent did not end with ${completionMarker(story.id)}`;
    return failed(why, `${why}; finish the story and end your answer with that line`, []);
  }
  emit({ type: "story_complete", prd_id: prdId, iteration, story_id: story.id });
  const check = { runner: input.runner, root: input.root, signal: input.signal, sessionId: `ralph-${prdId}` };
  const onResult = (result: CheckResult) =>
    emit({ type: "gate_result", prd_id: prdId, iteration, story_id: story.id, result });
  const checks = await runQualityGates(input.prd.quality_checks, check, onResult);
  if (!input.signal.aborted && checks.every((c) => c.passed))
    checks.push(...(await runVerificationSteps(story.verification_steps, check, onResult)));
  if (input.signal.aborted) return stopped(text);
  const failedCheck = checks.find((c) => !c.passed);
  if (failedCheck) return failed(`${failedCheck.name} failed`, failedCheck.detail, checks);
  return { outcome: "passed", checks, summary: text, learnings };
}
