/** Everything the agent core tells its adapters (run printer, TUI, A2A executor, worker, sub-agents). */
export type AgentEvent =
  | { type: "session"; sessionId: string; model: string; resumed: boolean }
  | { type: "step-start"; step: number }
  | { type: "text-delta"; text: string }
  | { type: "reasoning-delta"; text: string }
  | { type: "tool-pending"; callId: string; tool: string; input: unknown }
  | { type: "tool-running"; callId: string; tool: string; input: unknown }
  | { type: "tool-completed"; callId: string; tool: string; title?: string; output: string; metadata?: Record<string, unknown> }
  | { type: "tool-error"; callId: string; tool: string; error: string }
  | { type: "usage"; step: number; inputTokens: number; outputTokens: number; cost?: number }
  | { type: "retry"; attempt: number; delayMs: number; error: string }
  | { type: "compaction"; pruned: number; summarized: boolean }
  | { type: "finish"; reason: FinishReason; text: string; steps: number; usage: Usage }
  | { type: "error"; message: string };

export type FinishReason = "stop" | "max-steps" | "aborted" | "doom-loop" | "error";

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cost: number;
}
