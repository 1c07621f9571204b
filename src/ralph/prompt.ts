import type { Prd, UserStory, VerificationStep } from "./prd.ts";
import { QUALITY_GATES } from "./prd.ts";
import template from "./story-prompt.md";

/** The line a story's agent ends with when it believes the story is done (story-prompt.md asks for it). */
export const completionMarker = (storyId: string) => `STORY_COMPLETE: ${storyId}`;

const describeStep = (step: VerificationStep): string => {
  if (step.type === "shell") {
    const expects = step.expect_output_contains.length
      ? `, output containing ${step.expect_output_contains.map((t) => JSON.stringify(t)).join(", ")}`
      : "";
    const files = step.expect_files_glob.length ? `, files matching ${step.expect_files_glob.join(", ")}` : "";
    return `shell \`${step.command}\`${step.cwd ? ` in ${step.cwd}` : ""} exits 0${expects}${files}`;
  }
  if (step.type === "file_exists") return `file ${step.path ?? step.glob} exists`;
  return `${step.method} ${step.url} answers ${step.expect_status}${step.expect_body_contains.length ? ` with ${step.expect_body_contains.join(", ")}` : ""}`;
};

const list = (items: string[]) => (items.length ? items.map((item) => `- ${item}`).join("\n") : "- (none)");

export interface StoryPromptInput {
  prd: Prd;
  story: UserStory;
  /** The whole progress.txt: what earlier iterations did and learned. */
  progress: string;
  /** Why the previous attempt at this story failed (a gate's output tail), on a retry. */
  previousFailure?: string;
}

/** `{{name}}` in a prompt template, filled in one pass (a value's own braces stay as they are). */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The one message a story's fresh agent starts from: the PRD, its story, the checks it must pass, the memory so far. */
export function storyPrompt({ prd, story, progress, previousFailure }: StoryPromptInput): string {
  const gates = QUALITY_GATES.filter((gate) => prd.quality_checks[gate]).map(
    (gate) => `${gate}: \`${prd.quality_checks[gate]}\``,
  );
  const stories = prd.user_stories.map((s) => `${s.id} ${s.title} (${s.passes ? "done" : "open"})`);
  return fillTemplate(template, {
    prd: `Project: ${prd.project}\nFeature: ${prd.feature}\nBranch: ${prd.branch_name}\nTechnical requirements:\n${list(prd.technical_requirements)}\nStories:\n${list(stories)}`,
    story_id: story.id,
    story_title: story.title,
    story: `${story.description}\n\nAcceptance criteria:\n${list(story.acceptance_criteria)}\n\nVerification steps (the orchestrator runs them after you):\n${list(story.verification_steps.map(describeStep))}\n\nQuality gates (the orchestrator runs them in this order; all must pass):\n${list(gates)}`,
    previous_failure: previousFailure
      ? `# The previous attempt at this story failed\nFix this first:\n\`\`\`\n${previousFailure}\n\`\`\``
      : "",
    progress: progress.trim() || "(empty: this is the first iteration)",
  }).replace(/\n{3,}/g, "\n\n");
}

/** The `LEARNING:` lines of an agent's final answer. */
export function learningsOf(text: string): string[] {
  return [...text.matchAll(/^\s*LEARNING:\s*(.+)$/gm)].map((m) => m[1]!.trim());
}
