import { generateText, type LanguageModel, type ModelMessage } from "ai";
import { costOf } from "../provider/catalog.ts";
import type { ResolvedModel } from "../provider/resolve.ts";
import decomposePrompt from "./decompose.md";
import repairPrompt from "./repair.md";
import { fill } from "./run-subtask.ts";
import { checkPlan, planOf, singleSubtask } from "./plan.ts";
import type { Strategy, SwarmPlan } from "./types.ts";

const STRATEGY_HINTS: Record<Exclude<Strategy, "none">, string> = {
  auto: "choose the split that lets the most work run in parallel.",
  domain: "split by expertise (research, coding, analysis, verification).",
  data: "split by partition of the material (files, modules, sections), one subtask per part.",
  stage: "split by workflow stage (gather, process, synthesize), each stage depending on the one before.",
};

export interface Decomposition {
  plan: SwarmPlan;
  /** The cost of the planning calls (USD; 0 when the model's price is unknown). */
  costUsd: number;
  /** Why the model's plans were refused, when the fallback was taken. */
  problems?: string[];
}

/**
 * One model call for a plan shaped by the strategy; an invalid answer gets one repair prompt; a plan
 * still invalid (or a failing call) becomes the whole task as one subtask. `none` makes no call.
 */
export async function decompose(
  task: string,
  options: { model: ResolvedModel; language: LanguageModel; strategy: Strategy; max: number; signal?: AbortSignal },
): Promise<Decomposition> {
  const { strategy, max } = options;
  if (strategy === "none") return { plan: planOf(singleSubtask(task), "none"), costUsd: 0 };
  const system = fill(decomposePrompt, { strategy: `${strategy}: ${STRATEGY_HINTS[strategy]}`, max: String(max) });
  const messages: ModelMessage[] = [{ role: "user", content: task }];
  let costUsd = 0;
  const ask = async () => {
    const answer = await generateText({
      model: options.language,
      system,
      messages,
      abortSignal: options.signal,
      maxRetries: 2,
    });
    costUsd += costOf(options.model.info, answer.usage.inputTokens ?? 0, answer.usage.outputTokens ?? 0) ?? 0;
    messages.push({ role: "assistant", content: answer.text });
    return answer.text;
  };
  let problems: string[];
  try {
    const first = checkPlan(await ask(), max);
    if (first.ok) return { plan: planOf(first.subtasks, "model"), costUsd };
    problems = first.problems;
    messages.push({ role: "user", content: fill(repairPrompt, { problems: problems.join("; ") }) });
    const second = checkPlan(await ask(), max);
    if (second.ok) return { plan: planOf(second.subtasks, "repaired"), costUsd };
    problems = second.problems;
  } catch (error) {
    if (options.signal?.aborted) throw error;
    problems = [`planning failed: ${(error as Error).message.split("\n")[0]}`];
  }
  return { plan: planOf(singleSubtask(task), "fallback"), costUsd, problems };
}
