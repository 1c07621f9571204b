import type { RalphEvent } from "./events.ts";

/** How a line reads: the CLI paints it, the TUI picks a notice level from it. */
export type RalphTone = "heading" | "quiet" | "good" | "bad" | "note";

/** The progress line of a loop event, shared by `ralph run` and the TUI's /ralph. */
export function describeRalphEvent(event: RalphEvent): { text: string; tone: RalphTone } {
  switch (event.type) {
    case "iteration_started":
      return {
        text: `[${event.iteration}] ${event.story_id} ${event.title}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ""}`,
        tone: "heading",
      };
    case "story_complete":
      return { text: `    agent reports ${event.story_id} complete; checking`, tone: "quiet" };
    case "gate_result":
      return event.result.passed
        ? { text: `    ✓ ${event.result.name} ${event.result.target}`, tone: "good" }
        : { text: `    ✗ ${event.result.name}: ${event.result.detail.split("\n")[0]}`, tone: "bad" };
    case "learning":
      return { text: `    learning: ${event.learning}`, tone: "note" };
    case "story_passed":
      return { text: `    passed${event.commit ? ` (commit ${event.commit})` : ""}`, tone: "good" };
    case "story_failed":
      return {
        text: `    failed: ${event.reason}${event.gave_up ? "; no retries left, moving on" : "; will retry"}`,
        tone: "bad",
      };
    case "finished":
      return {
        text: `ralph: ${event.status}: ${event.passed}/${event.total} stories pass after ${event.iterations} iterations`,
        tone: event.status === "completed" ? "good" : "note",
      };
  }
}
