import type { PreparedAgent } from "../app/agent-factory.ts";
import type { ContextDelta, RelayCheckpoint } from "../relay/checkpoint.ts";
import { collectRun } from "../relay/agent-turns.ts";
import type { Evaluation } from "../relay/engine.ts";
import { renderContext } from "../relay/delta.ts";
import { parseJsonObject } from "./json-answer.ts";
import { krProgress, type KeyResult } from "./model.ts";
import type { KrScore, OkrService } from "./service.ts";
import evaluatePrompt from "./evaluate-prompt.md";

const CHECK_TIMEOUT_MS = 300_000;

/** The shell command a key result names in backticks ("All tests pass: `npm test`"), if any. */
function checkCommand(kr: Pick<KeyResult, "title" | "description">): string | undefined {
  return /`([^`]+)`/.exec(`${kr.title} ${kr.description}`)?.[1]?.trim() || undefined;
}

/**
 * After a relay turn: key results that name a command are checked by running it in the sandbox (exit 0
 * meets the target); the model scores the others from the turn's evidence and the shared context.
 * Values and outcomes are persisted on the run.
 */
export async function evaluateKeyResults(
  prepared: PreparedAgent,
  service: OkrService,
  runId: string,
  checkpoint: RelayCheckpoint,
  delta: ContextDelta,
  signal?: AbortSignal,
): Promise<Evaluation> {
  const run = await service.run(runId);
  const okr = await service.okr(run.okr_id);
  const scores: KrScore[] = [];
  const byModel: KeyResult[] = [];
  for (const kr of okr.key_results) {
    const command = checkCommand(kr);
    if (command) scores.push(await runCheck(prepared, kr, command, run.session_id ?? prepared.session.id, signal));
    else byModel.push(kr);
  }
  let cost = 0;
  if (byModel.length) {
    const scored = await scoreByModel(prepared, run.session_id, byModel, checkpoint, delta, signal);
    cost = scored.cost;
    scores.push(...scored.scores);
  }
  const updated = await service.recordScores(runId, scores);
  await service.store.updateRun({ ...updated, iterations: checkpoint.turn, cost: checkpoint.cost + cost });
  const progress = updated.kr_progress;
  return { kr_progress: progress, cost, met: okr.key_results.every((kr) => (progress[kr.id] ?? 0) >= 1) };
}

async function runCheck(
  prepared: PreparedAgent,
  kr: KeyResult,
  command: string,
  sessionId: string,
  signal?: AbortSignal,
): Promise<KrScore> {
  // The objective's approval covers its key results, this command among them: that settles an `ask`, but a
  // `deny` rule still holds. (With `run "/go …" --approve` the draft is approved unseen: its commands too.)
  const refused = prepared.permissions
    .decide({ tool: "bash", kind: "execute", target: command })
    .some((decision) => decision.action === "deny");
  if (refused)
    return {
      kr_id: kr.id,
      value: kr.current_value,
      evidence: [`$ ${command} → refused by a permission rule`],
      description: `\`${command}\` not run: a permission rule denies it`,
      outcome_type: "evidence",
      source: "command",
    };
  let output = "";
  const outcome = await prepared.hooks.commands!.run({
    tool: "bash",
    command,
    workspace: prepared.session.directory,
    timeoutMs: CHECK_TIMEOUT_MS,
    signal: signal ?? new AbortController().signal,
    onOutput: (chunk) => (output = (output + chunk.toString("utf8")).slice(-2_000)),
    sessionId,
    callId: `kr-check-${kr.id}`,
  });
  const passed = outcome.code === 0;
  const tail = output.trim().split("\n").slice(-5).join("\n");
  return {
    kr_id: kr.id,
    value: passed ? kr.target_value : kr.current_value,
    evidence: [`$ ${command} → exit ${outcome.code ?? outcome.signal}`, ...(tail ? [tail] : [])],
    description: passed ? `\`${command}\` passed` : `\`${command}\` failed (exit ${outcome.code ?? outcome.signal})`,
    outcome_type: passed ? "test_pass" : "evidence",
    source: "command",
  };
}

async function scoreByModel(
  prepared: PreparedAgent,
  sessionId: string | undefined,
  krs: KeyResult[],
  checkpoint: RelayCheckpoint,
  delta: ContextDelta,
  signal?: AbortSignal,
): Promise<{ scores: KrScore[]; cost: number }> {
  const session = (sessionId && prepared.store.get(sessionId)) || prepared.session;
  // Short keys (KR1, KR2…) rather than uuids: cheaper for the model, and harder to get wrong.
  const list = krs.map((kr, i) => ({
    kr: `KR${i + 1}`,
    title: kr.title,
    target_value: kr.target_value,
    unit: kr.unit,
    current_value: kr.current_value,
  }));
  const prompt = [
    `Task: ${checkpoint.task}`,
    `Key results:\n${JSON.stringify(list, null, 1)}`,
    `Turn ${delta.turn} (${delta.from_agent}) handed over:\n${renderContext(delta.delta)}`,
    `Shared context:\n${renderContext(checkpoint.shared_context)}`,
  ].join("\n\n");
  const { text, cost, failure } = await collectRun(
    prepared.run(prompt, { session, system: evaluatePrompt, tools: [], signal }),
  );
  const answer = failure ? undefined : parseJsonObject(text);
  const given = Array.isArray(answer?.scores) ? (answer.scores as Array<Record<string, unknown>>) : [];
  // A key result the model did not score (or an unusable answer) keeps its value: no progress is invented.
  const scores = krs.map((kr, i): KrScore => {
    const score = given.find((s) => String(s.kr).toUpperCase() === `KR${i + 1}`);
    const value = Number(score?.value);
    const evidence = Array.isArray(score?.evidence) ? score.evidence.map(String) : [];
    const next = Number.isFinite(value) ? value : kr.current_value;
    const met = krProgress({ current_value: next, target_value: kr.target_value }) >= 1;
    return {
      kr_id: kr.id,
      value: next,
      evidence,
      description: score
        ? `scored ${next}/${kr.target_value} after turn ${delta.turn}`
        : `not scored after turn ${delta.turn}`,
      outcome_type: met ? "metric_achievement" : "evidence",
      source: "model",
    };
  });
  return { scores, cost };
}
