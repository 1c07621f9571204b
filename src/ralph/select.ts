import type { Prd, UserStory } from "./prd.ts";

/** Stories whose dependencies have all passed and that have not, best first: lowest priority, then complexity, then PRD order. */
export function readyStories(prd: Prd, skip: ReadonlySet<string> = new Set()): UserStory[] {
  const passed = new Set(prd.user_stories.filter((story) => story.passes).map((story) => story.id));
  return prd.user_stories
    .map((story, index) => ({ story, index }))
    .filter(({ story }) => !story.passes && !skip.has(story.id) && story.depends_on.every((id) => passed.has(id)))
    .sort((a, b) => a.story.priority - b.story.priority || a.story.complexity - b.story.complexity || a.index - b.index)
    .map(({ story }) => story);
}

/** The story the next iteration works on, or undefined when none is ready. */
export function nextStory(prd: Prd, skip: ReadonlySet<string> = new Set()): UserStory | undefined {
  return readyStories(prd, skip)[0];
}
