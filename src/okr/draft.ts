import type { PreparedAgent } from "../app/agent-factory.ts";
import type { SessionInfo } from "../session/store.ts";
import { UserError } from "../contracts/errors.ts";
import { collectRun } from "../relay/agent-turns.ts";
import { parseJsonObject } from "./json-answer.ts";
import { METRIC_TYPES, type MetricType } from "./model.ts";
import type { NewOkr } from "./service.ts";
import { validateOkr } from "./validation.ts";
import draftPrompt from "./draft-prompt.md";

const MAX_KEY_RESULTS = 5;

/** The model drafts an objective with key results for the task, in the OKR session (no tools). */
export async function draftOkr(
  prepared: PreparedAgent,
  session: SessionInfo,
  task: string,
  signal?: AbortSignal,
): Promise<{ okr: NewOkr; cost: number }> {
  const run = prepared.run(`Task: ${task}`, { session, system: draftPrompt, tools: [], signal });
  const { text, cost, failure } = await collectRun(run);
  if (failure) throw new UserError(`drafting the OKR failed: ${failure}`);
  const answer = parseJsonObject(text);
  const list = Array.isArray(answer?.key_results) ? (answer.key_results as Array<Record<string, unknown>>) : [];
  const okr: NewOkr = {
    title: String(answer?.title ?? answer?.objective ?? ""),
    description: typeof answer?.description === "string" ? answer.description : "",
    key_results: list.slice(0, MAX_KEY_RESULTS).map((kr) => ({
      title: String(kr.title ?? ""),
      description: typeof kr.description === "string" ? kr.description : "",
      target_value: Number(kr.target_value ?? kr.target),
      unit: typeof kr.unit === "string" ? kr.unit : "",
      ...(METRIC_TYPES.includes(kr.metric_type as MetricType) ? { metric_type: kr.metric_type as MetricType } : {}),
    })),
  };
  if (!answer) throw new UserError("the model's OKR draft was not a JSON object; try again or rephrase the task");
  validateOkr(okr);
  return { okr, cost };
}
