import type { RalphEvent } from "../../ralph/events.ts";
import type { Prd } from "../../ralph/prd.ts";
import type { RalphState } from "../../ralph/status.ts";

export type StoryRowState = "waiting" | "ready" | "working" | "checking" | "passed" | "failed";

export interface StoryRow {
  id: string;
  title: string;
  state: StoryRowState;
  attempts: number;
  dependsOn: string[];
  /** The last check's name and whether it passed, or why the story failed. */
  last?: string;
}

/** What the Ralph view draws: one PRD's stories as the loop's events move them. */
export interface RalphBoard {
  feature: string;
  prdPath: string;
  status: RalphState;
  iteration: number;
  stories: StoryRow[];
}

/** The board before the first event: passed stories, stories ready to start, and those waiting on others. */
export function newBoard(prd: Prd, prdPath: string): RalphBoard {
  const passed = new Set(prd.user_stories.filter((s) => s.passes).map((s) => s.id));
  return {
    feature: prd.feature,
    prdPath,
    status: "running",
    iteration: 0,
    stories: prd.user_stories.map((s) => ({
      id: s.id,
      title: s.title,
      state: s.passes ? "passed" : s.depends_on.every((d) => passed.has(d)) ? "ready" : "waiting",
      attempts: 0,
      dependsOn: s.depends_on,
    })),
  };
}

/** The board after one event (a new object: the UI compares snapshots). */
export function applyRalphEvent(board: RalphBoard, event: RalphEvent): RalphBoard {
  if (event.type === "finished") return { ...board, status: event.status };
  const story = (id: string, change: (row: StoryRow) => Partial<StoryRow>) => ({
    ...board,
    stories: board.stories.map((row) => (row.id === id ? { ...row, ...change(row) } : row)),
  });
  switch (event.type) {
    case "iteration_started":
      return {
        ...story(event.story_id, () => ({ state: "working", attempts: event.attempt })),
        iteration: event.iteration,
      };
    case "story_complete":
      return story(event.story_id, () => ({ state: "checking" }));
    case "gate_result":
      return story(event.story_id, () => ({ last: `${event.result.name} ${event.result.passed ? "✓" : "✗"}` }));
    case "story_passed": {
      const next = story(event.story_id, () => ({ state: "passed" }));
      // Stories whose dependencies now all passed become ready.
      const passed = new Set(next.stories.filter((row) => row.state === "passed").map((row) => row.id));
      const ready = (row: StoryRow) => row.state === "waiting" && row.dependsOn.every((id) => passed.has(id));
      return { ...next, stories: next.stories.map((row) => (ready(row) ? { ...row, state: "ready" as const } : row)) };
    }
    case "story_failed":
      return story(event.story_id, (row) => ({ state: "failed", last: row.last ?? event.reason }));
    case "learning":
      return board;
  }
}
