import type { ModelMessage, UserContent } from "ai";
import { join } from "node:path";
import { publishAgentEvents } from "../bus/agent-events.ts";
import type { BusHandle } from "../bus/bus-handle.ts";
import { costOf } from "../provider/catalog.ts";
import type { ResolvedModel } from "../provider/resolve.ts";
import { modelContext } from "../session/context.ts";
import type { SessionInfo, SessionStore, StoredMessage } from "../session/store.ts";
import { guardPlanMode } from "../tool/plan-mode.ts";
import type { PermissionRequest, PlanModeState, Tool, ToolContext, ToolHooks } from "../tool/tool.ts";
import { estimateTokens, pruneToolOutputs, summarizeOlderTurns, usableTokens } from "./compaction.ts";
import { DOOM_LOOP_THRESHOLD, DoomLoopGuard } from "./doom-loop.ts";
import type { AgentEvent, FinishReason, Usage } from "./events.ts";
import { partialAssistant, streamStep, toToolSet, type StepOutcome } from "./model-step.ts";
import { DEFAULT_RETRY, describeProviderError, isRetryable, retryDelay, type RetryPolicy } from "./retry.ts";
import { runToolCalls } from "./tool-runner.ts";
import { subAgentRunner, type ResolveAgent } from "./sub-agent.ts";

export interface AgentOptions {
  store: SessionStore;
  session: SessionInfo;
  model: ResolvedModel;
  tools: Tool[];
  system: string;
  workspace: string;
  dataDir: string;
  signal?: AbortSignal;
  maxSteps?: number;
  /** Permission gate for every tool action; allows everything when absent. */
  authorize?: (request: PermissionRequest) => Promise<void>;
  retry?: RetryPolicy;
  /** Services for tools (config, question, a custom sub-agent runner); see ToolHooks. */
  hooks?: ToolHooks;
  /** Agent profiles for the `task` tool's sub-agents; without it they run with this agent's setup. */
  resolveAgent?: ResolveAgent;
  /** Plan mode shared with the parent run: a sub-agent cannot edit while its parent is in plan mode. */
  planMode?: PlanModeState;
  /** Told everything the run (and its sub-agents) does, e.g. to keep the durable event log; nothing extra runs without it. */
  observer?: AgentObserver;
  /** When given, every event is also published on `agent.{id}.events`; nothing extra runs without it. */
  bus?: BusHandle;
}

/** A passive listener: called synchronously, must not throw or block (queue the work instead). */
export interface AgentObserver {
  event(sessionId: string, event: AgentEvent): void;
  /** Every message stored to the session, in store order. */
  message(sessionId: string, message: StoredMessage): void;
}

export const DEFAULT_MAX_STEPS = 50;

/**
 * The agent loop every front end shares: stores the user's message, then alternates model steps and
 * tool calls until the model answers without tools, the step budget runs out, the run is aborted, or
 * the model gets stuck repeating itself. Everything it does is reported as AgentEvents.
 */
export function runAgent(input: string | UserContent, options: AgentOptions): AsyncGenerator<AgentEvent, void> {
  const events = agentLoop(input, options);
  return options.bus ? publishAgentEvents(events, options.bus, options.session.id) : events;
}

async function* agentLoop(input: string | UserContent, options: AgentOptions): AsyncGenerator<AgentEvent, void> {
  const { observer, session } = options;
  if (!observer) return yield* runLoop(input, options);
  observer.event(session.id, { type: "session", sessionId: session.id, model: options.model.ref, resumed: session.messageCount > 0 });
  for await (const event of runLoop(input, options)) {
    observer.event(session.id, event);
    yield event;
  }
}

async function* runLoop(input: string | UserContent, options: AgentOptions): AsyncGenerator<AgentEvent, void> {
  const { store, session, model, workspace } = options;
  // The session's messages, loaded once and kept in step with every append (not re-read each step).
  const history = store.messages(session.id);
  const persist = (message: ModelMessage) => {
    const stored = store.append(session.id, message);
    history.push(stored);
    options.observer?.message(session.id, stored);
  };
  const signal = options.signal ?? new AbortController().signal;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const tools = new Map(options.tools.map((t) => [t.name, t]));
  const toolSet = toToolSet(options.tools);
  const fixedTokens = estimateTokens(options.system) + estimateTokens(options.tools.map((t) => t.description));
  const guard = new DoomLoopGuard();
  const usage: Usage = { inputTokens: 0, outputTokens: 0, cost: 0 };
  const planMode: PlanModeState = options.planMode ?? { active: false };
  const toolContext: Omit<ToolContext, "callId"> = {
    supportsImages: model.info?.vision,
    runSubAgent: subAgentRunner({ ...options, planMode }, runAgent),
    ...options.hooks,
    workspace,
    sessionId: session.id,
    signal,
    outputDir: join(options.dataDir, "tool-output", session.id),
    dataDir: options.dataDir,
    planMode,
    authorize: guardPlanMode(options.authorize ?? (async () => {}), planMode),
  };

  persist({ role: "user", content: input } as ModelMessage);
  if (!session.title) store.setTitle(session.id, titleOf(input));

  let finalText = "";
  let step = 0;
  const finish = (reason: FinishReason): AgentEvent => ({ type: "finish", reason, text: finalText, steps: step, usage });

  while (step < maxSteps) {
    step++;
    if (signal.aborted) return yield finish("aborted");
    const context = yield* compactIfNeeded(options, history, fixedTokens, signal);
    yield { type: "step-start", step };

    let outcome: StepOutcome | undefined;
    for (let attempt = 1; !outcome; attempt++) {
      const stream = streamStep(model.language, options.system, context, toolSet, signal, model.info?.maxOutput);
      let emitted = false;
      let streamedText = "";
      try {
        for (;;) {
          const next = await stream.next();
          if (next.done) {
            outcome = next.value;
            break;
          }
          emitted = true;
          if (next.value.type === "text-delta") streamedText += next.value.text;
          yield next.value;
        }
      } catch (error) {
        if (signal.aborted) {
          if (streamedText) persist(partialAssistant(streamedText));
          return yield finish("aborted");
        }
        const policy = options.retry ?? DEFAULT_RETRY;
        if (!emitted && isRetryable(error) && attempt < policy.maxAttempts) {
          const delayMs = retryDelay(error, attempt, policy);
          yield { type: "retry", attempt, delayMs, error: describeProviderError(error) };
          await sleep(delayMs, signal);
          continue;
        }
        yield { type: "error", message: describeProviderError(error) };
        return yield finish("error");
      }
    }

    const cost = costOf(model.info, outcome.inputTokens, outcome.outputTokens);
    usage.inputTokens += outcome.inputTokens;
    usage.outputTokens += outcome.outputTokens;
    usage.cost += cost ?? 0;
    store.recordUsage(session.id, step, model.ref, outcome.inputTokens, outcome.outputTokens, cost);
    yield { type: "usage", step, inputTokens: outcome.inputTokens, outputTokens: outcome.outputTokens, cost };
    for (const message of outcome.messages) persist(message);
    if (outcome.text) finalText = outcome.text;
    if (outcome.calls.length === 0) return yield finish("stop");

    let stuck = false;
    for (const call of outcome.calls) {
      const repeats = guard.record(call.tool, call.input);
      if (repeats >= DOOM_LOOP_THRESHOLD * 2) stuck = true;
      // Refused from the third repeat on, the one that stops the run included (it must not run either).
      if (repeats >= DOOM_LOOP_THRESHOLD && !call.rejection) {
        call.rejection = `this exact ${call.tool} call was made ${repeats} times in a row; it will give the same result. Try a different approach.`;
      }
    }
    const results = yield* runToolCalls(outcome.calls, tools, toolContext);
    persist({ role: "tool", content: results });
    if (signal.aborted) return yield finish("aborted");
    if (stuck) {
      yield { type: "error", message: `stopped: the model repeated the same tool call ${DOOM_LOOP_THRESHOLD * 2} times` };
      return yield finish("doom-loop");
    }
  }
  yield { type: "error", message: `stopped after reaching the maximum of ${maxSteps} steps` };
  yield finish("max-steps");
}

/** Keeps the context under the model's window: prune old tool outputs first, then summarise older turns. */
async function* compactIfNeeded(options: AgentOptions, history: StoredMessage[], fixedTokens: number, signal: AbortSignal): AsyncGenerator<AgentEvent, ModelMessage[]> {
  const limit = usableTokens(options.model.contextWindow);
  let messages = modelContext(history);
  if (fixedTokens + estimateTokens(messages) <= limit) return messages;
  const pruned = pruneToolOutputs(messages);
  messages = pruned.messages;
  let summarized = false;
  // Keep the latest two turns verbatim if that is enough, else only the latest one.
  for (const tailTurns of [2, 1]) {
    if (fixedTokens + estimateTokens(messages) <= limit) break;
    if (!(await summarizeOlderTurns(options.model, options.store, options.session.id, history, tailTurns, signal).catch(() => false))) continue;
    summarized = true;
    // The summary was appended to the store: take it into the in-memory history.
    history.splice(0, history.length, ...options.store.messages(options.session.id));
    messages = pruneToolOutputs(modelContext(history)).messages;
  }
  if (pruned.pruned || summarized) yield { type: "compaction", pruned: pruned.pruned, summarized };
  return messages;
}

function titleOf(input: string | UserContent): string {
  const text = typeof input === "string" ? input : input.map((p) => (p.type === "text" ? p.text : "")).join(" ");
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
