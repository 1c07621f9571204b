import type { ModelMessage } from "ai";

export type MessageKind = "message" | "summary";

/** A message as the session store keeps it. */
export interface StoredMessage {
  seq: number;
  kind: MessageKind;
  message: ModelMessage;
  createdAt: number;
  /** For a summary: the last seq it replaces in the model's context. */
  summarizes?: number;
}

/** Everything the agent core tells its adapters (run printer, TUI, A2A executor, worker, sub-agents). */
export type AgentEvent =
  | { type: "session"; sessionId: string; model: string; resumed: boolean }
  | { type: "step-start"; step: number }
  | { type: "text-delta"; text: string }
  | { type: "reasoning-delta"; text: string }
  | { type: "tool-pending"; callId: string; tool: string; input: unknown }
  | { type: "tool-running"; callId: string; tool: string; input: unknown }
  | {
      type: "tool-completed";
      callId: string;
      tool: string;
      title?: string;
      output: string;
      metadata?: Record<string, unknown>;
    }
  | { type: "tool-error"; callId: string; tool: string; error: string }
  | { type: "usage"; step: number; inputTokens: number; outputTokens: number; cost?: number }
  | { type: "retry"; attempt: number; delayMs: number; error: string }
  | { type: "compaction"; pruned: number; summarized: boolean }
  /** A message the run stored to its session (the user's input, answers, tool results, a compaction summary). */
  | { type: "message"; message: StoredMessage }
  | { type: "finish"; reason: FinishReason; text: string; steps: number; usage: Usage }
  | { type: "error"; message: string };

export type FinishReason = "stop" | "max-steps" | "aborted" | "doom-loop" | "error";

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

/**
 * A subscriber to a run's event stream (the durable recorder, the bus mirror): called synchronously for
 * every event, must not throw or block (queue the work instead).
 */
export interface AgentObserver {
  event(sessionId: string, event: AgentEvent): void;
}

/** What front ends and peers follow: everything but the stored messages (those go to the session and the log). */
export function isLiveEvent(event: AgentEvent): boolean {
  return event.type !== "message";
}
