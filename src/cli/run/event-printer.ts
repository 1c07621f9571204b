import type { AgentEvent } from "../../contracts/agent-events.ts";
import { exitCodeOf, shownOutput } from "../../util/output-preview.ts";
import { toolSummary } from "../../util/tool-summary.ts";
import { painter } from "../output.ts";

/** Human output of `run`: the answer on stdout, compact tool activity and errors on stderr. */
export function createEventPrinter(): (event: AgentEvent) => void {
  const paint = painter(process.stderr);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  let midLine = false;
  const out = (text: string) => {
    process.stdout.write(text);
    midLine = !text.endsWith("\n");
  };
  const breakLine = () => {
    if (midLine) out("\n");
  };
  return (event) => {
    switch (event.type) {
      case "text-delta":
        out(event.text);
        break;
      case "tool-running":
        breakLine();
        err(paint("dim", `→ ${event.tool} ${toolSummary(event.input)}`));
        break;
      case "tool-completed": {
        const exitCode = exitCodeOf(event.metadata);
        const failed = exitCode !== undefined && exitCode !== 0;
        const mark = failed ? paint("red", `✗ ${event.tool}`) : paint("green", `✓ ${event.tool}`);
        const status = failed ? paint("red", ` (exit ${exitCode ?? "by signal"})`) : "";
        err(`${mark}${paint("dim", ` ${event.title ?? ""}`)}${status}`);
        // What the person watching needs too: a command's first lines (the rest counted), the todo list.
        for (const line of shownOutput(event.tool, event.output, exitCode)) err(paint("dim", `  │ ${line}`));
        break;
      }
      case "tool-error":
        err(paint("red", `✗ ${event.tool}: ${event.error.split("\n")[0]}`));
        break;
      case "retry":
        err(paint("yellow", `↻ retry ${event.attempt} in ${Math.round(event.delayMs / 100) / 10}s: ${event.error}`));
        break;
      case "compaction":
        err(
          paint(
            "dim",
            `⋯ compacted context (${event.pruned} tool outputs cleared${event.summarized ? ", older turns summarised" : ""})`,
          ),
        );
        break;
      case "finish":
        breakLine();
        break;
    }
  };
}
