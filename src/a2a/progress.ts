import { isAbsolute, relative } from "node:path";
import type { AgentEvent } from "../contracts/agent-events.ts";
import { dataPart, textPart } from "./messages.ts";
import type { ProgressPace } from "./progress-pace.ts";
import type { TaskRun } from "./task-run.ts";

/**
 * Turns agent events into `working` status updates: streamed text is batched (one update per interval,
 * not per token, since every update is a durable write; the interval is the serve-wide pace's), tool
 * activity is reported as it happens, and the files the tools changed are collected for the final artifact.
 */
export class ProgressPublisher {
  readonly changedFiles = new Set<string>();
  private text = "";
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly run: TaskRun,
    private readonly workspace: string,
    private readonly pace: ProgressPace,
  ) {}

  handle(event: AgentEvent): void {
    switch (event.type) {
      case "text-delta":
        this.text += event.text;
        this.timer ??= setTimeout(() => this.flush(), this.pace.begin());
        return;
      case "tool-running":
        return this.report(`running ${event.tool}`, {
          type: "tool",
          state: "running",
          tool: event.tool,
          callId: event.callId,
        });
      case "tool-completed":
        this.collectFiles(event.metadata);
        return this.report(`${event.tool} done${event.title ? `: ${event.title}` : ""}`, {
          type: "tool",
          state: "completed",
          tool: event.tool,
          callId: event.callId,
        });
      case "tool-error":
        return this.report(`${event.tool} failed: ${event.error}`, {
          type: "tool",
          state: "error",
          tool: event.tool,
          callId: event.callId,
        });
      case "retry":
        // A model request, or a worker that went silent (its task back in the queue): the error says which.
        return this.report(`retrying in ${Math.round(event.delayMs / 1000)}s: ${event.error}`, {
          type: "retry",
          attempt: event.attempt,
        });
      default:
        return;
    }
  }

  /** Publishes the text streamed since the last update. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.pace.end();
    }
    if (!this.text) return;
    const text = this.text;
    this.text = "";
    this.run.progress([textPart(text)]);
  }

  /** A line of progress from outside the agent's own events (a swarm's sub-agents). */
  note(text: string, data: Record<string, unknown>): void {
    this.report(text, data);
  }

  private report(text: string, data: Record<string, unknown>): void {
    this.flush();
    this.run.progress([textPart(text), dataPart(data)]);
  }

  private collectFiles(metadata: Record<string, unknown> | undefined): void {
    const paths = [metadata?.path, ...(Array.isArray(metadata?.files) ? metadata.files : [])].filter(
      (p): p is string => typeof p === "string",
    );
    for (const path of paths) this.changedFiles.add(isAbsolute(path) ? relative(this.workspace, path) : path);
  }
}
