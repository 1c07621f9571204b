import type { AgentEvent } from "../../agent/events.ts";
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
        err(paint("dim", `→ ${event.tool} ${summarize(event.input)}`));
        break;
      case "tool-completed":
        err(paint("green", `✓ ${event.tool}`) + paint("dim", ` ${event.title ?? ""}`));
        break;
      case "tool-error":
        err(paint("red", `✗ ${event.tool}: ${event.error.split("\n")[0]}`));
        break;
      case "retry":
        err(paint("yellow", `↻ retry ${event.attempt} in ${Math.round(event.delayMs / 100) / 10}s: ${event.error}`));
        break;
      case "compaction":
        err(paint("dim", `⋯ compacted context (${event.pruned} tool outputs cleared${event.summarized ? ", older turns summarised" : ""})`));
        break;
      case "finish":
        breakLine();
        break;
    }
  };
}

function summarize(input: unknown): string {
  if (!input || typeof input !== "object") return "";
  const record = input as Record<string, unknown>;
  const main = record.path ?? record.command ?? record.pattern ?? record.url ?? Object.values(record)[0];
  if (main === undefined) return "";
  const text = typeof main === "string" ? main : JSON.stringify(main);
  const line = text.split("\n")[0] ?? "";
  return line.length > 100 ? `${line.slice(0, 97)}…` : line;
}
