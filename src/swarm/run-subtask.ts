import { setTimeout as sleep } from "node:timers/promises";
import type { AgentOptions } from "../agent/agent-options.ts";
import type { AgentEvent } from "../contracts/agent-events.ts";
import type { PermissionRequest, Tool } from "../contracts/tool.ts";
import type { ResolvedModel } from "../provider/resolve.ts";
import type { SessionInfo, SessionStore } from "../session/store.ts";
import subagentPrompt from "./subagent.md";
import type { Subtask, SubtaskRecordResult } from "./types.ts";

/** Sub-agents may not start sub-agents or swarms of their own: it bounds the depth and the cost. */
const NOT_FOR_SUB_AGENTS = new Set(["swarm", "task"]);
/** A run that failed on the provider (after the loop's own retries) is tried again this many times in all. */
const ATTEMPTS = 3;
const RETRYABLE = /provider error HTTP (408|429|5\d\d)/;

/**
 * What a swarm needs of the agent that starts it — a PreparedAgent is one: sub-agents are runs of that
 * one assembled agent with per-run overrides (their own session, prompt, workspace, permission gate).
 */
export interface SwarmHost {
  run(input: string, overrides: Partial<Omit<AgentOptions, "childRunner">>): AsyncGenerator<AgentEvent, void>;
  store: SessionStore;
  session: SessionInfo;
  model: ResolvedModel;
  tools: Tool[];
  system: string;
  /**
   * The parent's permission gate; sub-agents pass it and never anything wider. Required: a run without one
   * would be allowed everything (the agent loop's default).
   */
  authorize: (request: PermissionRequest) => Promise<void>;
  workspace: string;
}

export interface SubtaskRun {
  subtask: Subtask;
  input: string;
  workspace: string;
  authorize: (request: PermissionRequest) => Promise<void>;
  model: ResolvedModel;
  maxSteps: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Live progress: each step, tool and token count. */
  onProgress?(progress: { step: number; tool?: string; tokens: number; sessionId: string }): void;
}

/** Runs one subtask's agent to its end; never throws for a failure of the agent (it is in the result). */
export async function runSubtask(host: SwarmHost, run: SubtaskRun): Promise<SubtaskRecordResult> {
  const { subtask } = run;
  const started = Date.now();
  const session = host.store.create({
    directory: run.workspace,
    model: run.model.ref,
    agent: host.session.agent,
    title: `${subtask.id} ${subtask.name}`,
    parentId: host.session.id,
  });
  // The parent's prompt names its workspace; a sub-agent in a worktree is told where it works instead.
  const base = host.system.replace(`Workspace: ${host.workspace}\n`, `Workspace: ${run.workspace}\n`);
  const system = `${base}\n\n${fill(subagentPrompt, {
    id: subtask.id,
    name: subtask.name,
    specialty: subtask.specialty,
    workspace: run.workspace,
    files: subtask.needs_worktree
      ? "You are expected to create or change files here; they are merged into the project after you finish."
      : "Read and analyse only: do not change files.",
  })}`;
  const tools = host.tools.filter((tool) => !NOT_FOR_SUB_AGENTS.has(tool.name));
  const timeout = AbortSignal.timeout(run.timeoutMs);
  const signal = run.signal ? AbortSignal.any([run.signal, timeout]) : timeout;
  const outcome = {
    text: "",
    failure: "",
    steps: 0,
    toolCalls: 0,
    tokens: 0,
    inputTokens: 0,
    outputTokens: 0,
    cost: 0,
  };
  let input = run.input;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    outcome.failure = "";
    for await (const event of host.run(input, {
      session,
      system,
      tools,
      workspace: run.workspace,
      authorize: run.authorize,
      model: run.model,
      maxSteps: run.maxSteps,
      signal,
    })) {
      track(event, outcome, (tool) =>
        run.onProgress?.({ ...outcome, step: outcome.steps, tool, sessionId: session.id }),
      );
    }
    if (!RETRYABLE.test(outcome.failure) || attempt === ATTEMPTS || signal.aborted) break;
    // A stop (or the subtask's timeout) during the pause ends it, and the subtask with it.
    await sleep(2000 * attempt, undefined, { signal }).catch(() => {});
    if (signal.aborted) break;
    input = `The model provider failed (${outcome.failure}). Continue your subtask where you stopped.`;
  }
  if (timeout.aborted && !run.signal?.aborted) outcome.failure = `timed out after ${run.timeoutMs / 1000}s`;
  return {
    subtask_id: subtask.id,
    name: subtask.name,
    success: !outcome.failure,
    result: outcome.failure ? `${outcome.text}${outcome.text ? "\n" : ""}[failed: ${outcome.failure}]` : outcome.text,
    steps: outcome.steps,
    tool_calls: outcome.toolCalls,
    execution_time_ms: Date.now() - started,
    session_id: session.id,
    cost_usd: outcome.cost,
    input_tokens: outcome.inputTokens,
    output_tokens: outcome.outputTokens,
  };
}

interface Outcome {
  text: string;
  failure: string;
  steps: number;
  toolCalls: number;
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

function track(event: AgentEvent, outcome: Outcome, progress: (tool?: string) => void): void {
  switch (event.type) {
    case "step-start":
      outcome.steps++;
      return progress();
    case "tool-running":
      return progress(event.tool);
    case "tool-completed":
    case "tool-error":
      outcome.toolCalls++;
      return;
    case "usage":
      outcome.inputTokens += event.inputTokens;
      outcome.outputTokens += event.outputTokens;
      outcome.tokens = outcome.inputTokens + outcome.outputTokens;
      outcome.cost += event.cost ?? 0;
      return progress();
    case "error":
      outcome.failure = event.message;
      return;
    case "finish":
      outcome.text = event.text;
      if (event.reason !== "stop") outcome.failure ||= `stopped (${event.reason})`;
      return;
    default:
      return;
  }
}

/** `{{key}}` placeholders of a prompt file. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}
