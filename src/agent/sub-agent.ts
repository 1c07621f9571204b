import type { SubAgentRequest, SubAgentResult } from "../contracts/tool.ts";
import { ToolError } from "../contracts/tool.ts";
import type { AgentOptions, AgentRunner } from "./agent-options.ts";

/** Sub-agents may not start sub-agents of their own: it bounds the depth and the cost. */
const NOT_FOR_SUB_AGENTS = "task";

/**
 * The `task` tool's default runner: a child session (parentId = the parent's) running the agent loop with
 * the chosen profile's tools, prompt and permissions; resolves with the child's final answer.
 */
function withParentLimits(
  parent: AgentOptions["authorize"],
  own: AgentOptions["authorize"],
): AgentOptions["authorize"] {
  if (!parent || !own || parent === own) return own ?? parent;
  return async (request) => {
    await parent(request);
    await own(request);
  };
}

export function subAgentRunner(
  parent: AgentOptions,
  run: AgentRunner,
): (request: SubAgentRequest, signal: AbortSignal) => Promise<SubAgentResult> {
  return async (request, signal) => {
    const profile = parent.resolveAgent ? parent.resolveAgent(request.agent) : {};
    if (!profile) throw new ToolError(`unknown agent profile '${request.agent}'`);
    const session = parent.store.create({
      directory: parent.workspace,
      model: parent.model.ref,
      agent: request.agent,
      title: request.description,
      parentId: parent.session.id,
    });
    const tools = (profile.tools ?? parent.tools).filter((t) => t.name !== NOT_FOR_SUB_AGENTS);
    // A sub-agent may do no more than its parent: a read-only agent cannot hire `build` to edit for it.
    const authorize = withParentLimits(parent.authorize, profile.authorize);
    let text = "";
    let failure = "";
    for await (const event of run(request.prompt, { ...parent, ...profile, tools, authorize, session, signal })) {
      if (event.type === "error") failure = event.message;
      if (event.type === "finish") {
        text = event.text;
        if (event.reason !== "stop") failure ||= `sub-agent stopped (${event.reason})`;
      }
    }
    if (failure && !text) throw new ToolError(`${failure} (session ${session.id})`);
    return { sessionId: session.id, text: failure ? `${text}\n[${failure}]` : text };
  };
}
