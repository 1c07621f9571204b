import type { PreparedAgent } from "../app/agent-factory.ts";
import type { ResolvedModel } from "../provider/resolve.ts";
import type { AgentEvent } from "../contracts/agent-events.ts";
import type { TurnRequest, TurnResult } from "./engine.ts";

/** What a finished agent run answered, what it cost, and why it did not finish if it did not. */
export async function collectRun(events: AsyncGenerator<AgentEvent, void>, onEvent?: (event: AgentEvent) => void) {
  let text = "";
  let cost = 0;
  let failure: string | undefined = "the run ended without finishing";
  let error = "";
  for await (const event of events) {
    onEvent?.(event);
    if (event.type === "error") error = event.message;
    if (event.type === "finish") {
      text = event.text;
      cost = event.usage.cost;
      failure = event.reason === "stop" ? undefined : error || event.reason;
    }
  }
  return { text, cost, failure };
}

/**
 * Relay turns as runs of the prepared agent: each turn in a session of its own (the shared context
 * carries what came before), with the agent's system prompt plus the member's persona.
 */
export function agentTurns(
  prepared: PreparedAgent,
  options: {
    relayId: string;
    signal?: AbortSignal;
    onEvent?: (event: AgentEvent) => void;
    resolveModel?: (ref: string) => Promise<ResolvedModel>;
  },
): (request: TurnRequest) => Promise<TurnResult> {
  return async ({ prompt, agent, turn }) => {
    const model = agent.model && options.resolveModel ? await options.resolveModel(agent.model) : prepared.model;
    const session = prepared.store.create({
      directory: prepared.session.directory,
      model: model.ref,
      agent: agent.profile,
      title: `relay ${options.relayId} turn ${turn}: ${agent.name}`,
    });
    const run = prepared.run(prompt, {
      session,
      system: `${prepared.system}\n\n# Relay role: ${agent.name}\n${agent.persona}`,
      signal: options.signal,
      model,
    });
    return { ...(await collectRun(run, options.onEvent)), sessionId: session.id };
  };
}
