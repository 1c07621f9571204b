import type { AgentEvent } from "../../contracts/agent-events.ts";
import { describeRalphEvent, type RalphTone } from "../../ralph/describe-event.ts";
import type { RalphEvent } from "../../ralph/events.ts";
import { painter, type Style } from "../output.ts";

const STYLE: Record<RalphTone, Style> = { heading: "bold", quiet: "dim", good: "green", bad: "red", note: "cyan" };

/** Human progress of `ralph run`: one line per iteration, check and result on stdout; the agents' tool calls on stderr. */
export function ralphProgressPrinter(): {
  event(event: RalphEvent): void;
  agentEvent(storyId: string, event: AgentEvent): void;
} {
  const paint = painter(process.stdout);
  const paintErr = painter(process.stderr);
  return {
    event(event) {
      const { text, tone } = describeRalphEvent(event);
      process.stdout.write(`${paint(STYLE[tone], text)}\n`);
    },
    agentEvent(_storyId, event) {
      if (event.type === "tool-running") process.stderr.write(`${paintErr("dim", `    → ${event.tool}`)}\n`);
      if (event.type === "tool-error")
        process.stderr.write(`${paintErr("red", `    ✗ ${event.tool}: ${event.error.split("\n")[0]}`)}\n`);
    },
  };
}
