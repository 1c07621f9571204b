import type { AgentEvent } from "../contracts/agent-events.ts";
import type { AuditInput } from "./audit-record.ts";
import { summarizeArgs } from "./summarize.ts";

/** The actor of what an agent run does on its own (tool executions, session lifecycle). */
export const AGENT_ACTOR = "agent";

/**
 * The audit records of an agent run: session start and end, and every tool execution with its
 * summarised arguments and outcome. `inputs` carries each call's arguments from its pending/running
 * event to its outcome. Other events belong to the event stream only.
 */
export function auditOfAgentEvent(
  sessionId: string,
  event: AgentEvent,
  inputs: Map<string, unknown>,
): AuditInput | undefined {
  const resource = `session/${sessionId}`;
  switch (event.type) {
    case "session":
      return {
        actor: AGENT_ACTOR,
        action: "session.start",
        resource,
        status: event.resumed ? "resumed" : "started",
        details: { model: event.model },
      };
    case "finish":
      return {
        actor: AGENT_ACTOR,
        action: "session.end",
        resource,
        status: event.reason,
        details: { steps: event.steps, usage: event.usage },
      };
    case "tool-pending":
    case "tool-running":
      inputs.set(event.callId, event.input);
      return undefined;
    case "tool-completed":
    case "tool-error": {
      const args = summarizeArgs(inputs.get(event.callId));
      inputs.delete(event.callId);
      const outcome =
        event.type === "tool-completed" ? { title: event.title ?? null } : { error: summarizeArgs(event.error) };
      return {
        actor: AGENT_ACTOR,
        action: "tool.execute",
        resource: `tool/${event.tool}`,
        status: event.type === "tool-completed" ? "success" : "error",
        details: { call_id: event.callId, args: args ?? null, ...outcome },
      };
    }
    default:
      return undefined;
  }
}
