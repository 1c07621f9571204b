import type { ModelMessage, UserContent } from "ai";
import { join } from "node:path";
import { costOf } from "../provider/catalog.ts";
import { modelContext } from "../session/context.ts";
import type { MessageKind, StoredMessage } from "../contracts/agent-events.ts";
import { guardPlanMode } from "../tool/plan-mode.ts";
import type { PlanModeState, ToolContext } from "../contracts/tool.ts";
import { estimateTokens, fixedTokens, pruneToolOutputs, summarizeOlderTurns, usableTokens } from "./compaction.ts";
import { DOOM_LOOP_THRESHOLD, DoomLoopGuard } from "./doom-loop.ts";
import type { AgentEvent, FinishReason, Usage } from "../contracts/agent-events.ts";
import { attachRoutedCall, partialAssistant, streamStep, type StepOutcome } from "./model-step.ts";
import { DEFAULT_RETRY, describeProviderError, isRetryable, retryDelay } from "./retry.ts";
import { runToolCalls, type ResultRouter } from "./tool-runner.ts";
import type { AgentOptions } from "./agent-options.ts";
import { subAgentRunner } from "./sub-agent.ts";

export const DEFAULT_MAX_STEPS = 50;

/**
 * The agent loop every front end shares: stores the user's message, then alternates model steps and
 * tool calls until the model answers without tools, the step budget runs out, the run is aborted, or
 * the model gets stuck repeating itself. Everything it does is reported as AgentEvents — the session
 * first, every stored message, compaction — so recorders, the bus and front ends all read one stream.
 */
export async function* runAgent(input: string | UserContent, options: AgentOptions): AsyncGenerator<AgentEvent, void> {
  const { store, session, model, workspace } = options;
  yield { type: "session", sessionId: session.id, model: model.ref, resumed: session.messageCount > 0 };
  // The session's messages, loaded once and kept in step with every append (not re-read each step).
  const history = store.messages(session.id);
  // The one way a message is stored: appended, kept in the history, and reported as an event.
  const persist = (message: ModelMessage, kind?: MessageKind, summarizes?: number): AgentEvent => {
    const stored = store.append(session.id, message, kind, summarizes);
    history.push(stored);
    return { type: "message", message: stored };
  };
  const signal = options.signal ?? new AbortController().signal;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const tools = new Map(options.tools.map((t) => [t.name, t]));
  const fixed = fixedTokens(options.system, options.tools);
  const guard = new DoomLoopGuard();
  const usage: Usage = { inputTokens: 0, outputTokens: 0, cost: 0 };
  const planMode: PlanModeState = options.planMode ?? { active: false };
  const toolContext: Omit<ToolContext, "callId"> = {
    supportsImages: model.info?.vision,
    runSubAgent: subAgentRunner({ ...options, planMode }, options.childRunner ?? runAgent),
    ...options.hooks,
    workspace,
    sessionId: session.id,
    signal,
    outputDir: join(options.dataDir, "tool-output", session.id),
    dataDir: options.dataDir,
    planMode,
    authorize: guardPlanMode(options.authorize ?? (async () => {}), planMode),
  };

  const task = textOf(input).slice(0, 2000);
  const route: ResultRouter | undefined =
    options.routeToolOutput &&
    ((tool, toolInput, result) =>
      options.routeToolOutput!({
        tool,
        input: toolInput,
        output: result.output,
        fullOutputPath: result.fullOutputPath,
        contextWindow: model.contextWindow,
        task,
        signal,
      }));

  yield store.batch(() => {
    const stored = persist({ role: "user", content: input } as ModelMessage);
    if (!session.title) store.setTitle(session.id, titleOf(input));
    return stored;
  });

  let finalText = "";
  let step = 0;
  const finish = (reason: FinishReason): AgentEvent => ({
    type: "finish",
    reason,
    text: finalText,
    steps: step,
    usage,
  });

  while (step < maxSteps) {
    step++;
    if (signal.aborted) return yield finish("aborted");
    const context = yield* compactIfNeeded(options, history, fixed, signal, persist);
    yield { type: "step-start", step };

    let outcome: StepOutcome | undefined;
    for (let attempt = 1; !outcome; attempt++) {
      const stream = streamStep(model.language, options.system, context, options.tools, signal, model.info?.maxOutput);
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
          if (streamedText) yield persist(partialAssistant(streamedText));
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
    let routedCall: AgentEvent | undefined;
    if (outcome.calls.length === 0 && outcome.text && options.routeTextAnswer && options.tools.length) {
      // The router is an improvement only: a failing one leaves the answer as it was.
      const routed = await options
        .routeTextAnswer({ text: outcome.text, tools: options.tools, signal })
        .catch(() => undefined);
      if (routed) routedCall = attachRoutedCall(outcome, routed, `router_${session.id}_${step}`);
    }
    // The step's usage and messages are stored in one transaction, then reported in the usual order.
    const stored = store.batch(() => {
      store.recordUsage(session.id, step, model.ref, outcome.inputTokens, outcome.outputTokens, cost);
      return outcome.messages.map((message) => persist(message));
    });
    yield { type: "usage", step, inputTokens: outcome.inputTokens, outputTokens: outcome.outputTokens, cost };
    if (routedCall) yield routedCall;
    yield* stored;
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
    const results = yield* runToolCalls(outcome.calls, tools, toolContext, route);
    yield persist({ role: "tool", content: results });
    if (signal.aborted) return yield finish("aborted");
    if (stuck) {
      yield {
        type: "error",
        message: `stopped: the model repeated the same tool call ${DOOM_LOOP_THRESHOLD * 2} times`,
      };
      return yield finish("doom-loop");
    }
  }
  yield { type: "error", message: `stopped after reaching the maximum of ${maxSteps} steps` };
  yield finish("max-steps");
}

/**
 * /compact: folds the session's older turns into a summary now, stored and reported like a run's
 * (a `message` event, then `compaction`); nothing when there is only one turn.
 */
export async function* compactSession(
  options: Pick<AgentOptions, "store" | "session" | "model" | "signal">,
): AsyncGenerator<AgentEvent, void> {
  const { store, session } = options;
  const summary = await summarizeOlderTurns(
    options.model,
    store.messages(session.id),
    1,
    options.signal ?? new AbortController().signal,
  );
  if (!summary) return;
  const stored = store.append(session.id, summary.message, "summary", summary.summarizes);
  yield { type: "message", message: stored };
  yield { type: "compaction", pruned: 0, summarized: true };
}

/** Keeps the context under the model's window: prune old tool outputs first, then summarise older turns. */
async function* compactIfNeeded(
  options: AgentOptions,
  history: StoredMessage[],
  fixed: number,
  signal: AbortSignal,
  persist: (message: ModelMessage, kind: MessageKind, summarizes: number) => AgentEvent,
): AsyncGenerator<AgentEvent, ModelMessage[]> {
  const limit = usableTokens(options.model.contextWindow);
  let messages = modelContext(history);
  if (fixed + estimateTokens(messages) <= limit) return messages;
  const pruned = pruneToolOutputs(messages);
  messages = pruned.messages;
  let summarized = false;
  // Keep the latest two turns verbatim if that is enough, else only the latest one.
  for (const tailTurns of [2, 1]) {
    if (fixed + estimateTokens(messages) <= limit) break;
    const summary = await summarizeOlderTurns(options.model, history, tailTurns, signal).catch(() => undefined);
    if (!summary) continue;
    summarized = true;
    yield persist(summary.message, "summary", summary.summarizes);
    messages = pruneToolOutputs(modelContext(history)).messages;
  }
  if (pruned.pruned || summarized) yield { type: "compaction", pruned: pruned.pruned, summarized };
  return messages;
}

function textOf(input: string | UserContent): string {
  return typeof input === "string" ? input : input.map((p) => (p.type === "text" ? p.text : "")).join(" ");
}

function titleOf(input: string | UserContent): string {
  const line = textOf(input).trim().split("\n")[0] ?? "";
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
