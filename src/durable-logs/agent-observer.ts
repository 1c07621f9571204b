import type { AgentObserver } from "../contracts/agent-events.ts";
import { auditOfAgentEvent } from "../audit/agent-audit.ts";
import type { AuditCorrelation, AuditInput } from "../audit/audit-record.ts";
import type { NewStreamEvent } from "../events/stream.ts";

/** Where an observer's records go; appends are queued, never awaited by the agent loop. */
export interface RecordSink {
  event(input: NewStreamEvent): void;
  audit(input: AuditInput): void;
}

export type Correlation = Partial<Omit<AuditCorrelation, "session_id">>;

/**
 * Turns a run's AgentEvents (stored messages included) into event-stream records (and audit records for tool
 * executions and the session lifecycle), each with the session id and the given correlation ids.
 * Streamed text and reasoning deltas are coalesced into one `text` / `reasoning` record per stretch,
 * so the stream holds the text without a line per token.
 */
export function createAgentObserver(sink: RecordSink, correlation: Correlation = {}): AgentObserver {
  const open = new Map<string, { type: "text" | "reasoning"; text: string }>();
  const inputs = new Map<string, unknown>();
  const record = (sessionId: string, type: string, data: unknown) =>
    sink.event({ ...correlation, session_id: sessionId, type, data });
  const flushText = (sessionId: string) => {
    const pending = open.get(sessionId);
    if (!pending) return;
    open.delete(sessionId);
    record(sessionId, pending.type, { text: pending.text });
  };

  return {
    event(sessionId, event) {
      if (event.type === "text-delta" || event.type === "reasoning-delta") {
        const type = event.type === "text-delta" ? "text" : "reasoning";
        if (open.get(sessionId)?.type !== type) flushText(sessionId);
        const pending = open.get(sessionId) ?? { type, text: "" };
        pending.text += event.text;
        open.set(sessionId, pending);
        return;
      }
      flushText(sessionId);
      // A stored message is recorded as the message itself (what `events replay` rebuilds transcripts from).
      if (event.type === "message") return record(sessionId, "message", event.message);
      const { type, ...data } = event;
      record(sessionId, type, data);
      const audit = auditOfAgentEvent(sessionId, event, inputs);
      if (audit) sink.audit({ ...correlation, ...audit, session_id: sessionId });
    },
  };
}
