import type { AgentBus } from "../bus/agent-bus.ts";
import type { AgentRegistry } from "../bus/agent-registry.ts";
import { topics } from "../bus/topics.ts";
import { UserError } from "../contracts/errors.ts";
import { decompose } from "./decompose.ts";
import { ModelGate } from "./model-gate.ts";
import { fill, runSubtask, type SwarmHost } from "./run-subtask.ts";
import type { SwarmRecord, SwarmSettings, SwarmStore } from "./swarm-store.ts";
import synthesisPrompt from "./synthesis.md";
import type {
  Subtask,
  SubtaskRecordResult,
  SubtaskResult,
  SubtaskState,
  SwarmEvent,
  SwarmPlan,
  SwarmResult,
} from "./types.ts";
import { SubtaskWorkspaces, type Lane } from "./workspaces.ts";

export interface SwarmRunOptions {
  host: SwarmHost;
  store: SwarmStore;
  /** A new swarm: its task and settings. */
  task?: string;
  settings?: SwarmSettings;
  /** Or a stored one to finish: only its subtasks not completed run. */
  resume?: SwarmRecord;
  signal?: AbortSignal;
  /** When given, events go out on `swarm.{id}` and sub-agents appear in the registry while they run. */
  bus?: AgentBus;
  registry?: AgentRegistry;
  /** Called once the swarm has its id (before planning), e.g. to print it. */
  onCreated?(record: SwarmRecord): void;
  onEvent?(event: SwarmEvent): void;
}

/** States a resumed swarm does not run again. */
const FINAL: ReadonlySet<SubtaskState> = new Set(["completed", "conflict"]);

/**
 * Runs a swarm: plan (decompose), stages in dependency order with up to `concurrency` sub-agents at a
 * time, file-changing subtasks in worktrees merged back after their stage in subtask order, then a
 * synthesis turn. Every plan and state change is stored first, so a crash loses at most running work.
 */
export async function runSwarm(options: SwarmRunOptions): Promise<SwarmResult> {
  const { host, store } = options;
  const record = options.resume ?? store.create(options.task!, host.workspace, options.settings!);
  const release = store.hold(record.id);
  try {
    return await run(record, options);
  } finally {
    release();
  }
}

async function run(record: SwarmRecord, options: SwarmRunOptions): Promise<SwarmResult> {
  const { host, store, signal } = options;
  const { id, settings } = record;
  options.onCreated?.(record);
  const started = Date.now();
  const emit = (event: SwarmEvent) => {
    options.onEvent?.(event);
    // Correlated with the session that started it: an A2A task follows the swarms its agent runs.
    options.bus?.publish({
      topic: topics.swarm(id),
      kind: "event",
      sender: id,
      payload: event,
      correlation: { session_id: host.session.id },
    });
  };
  const gate = new ModelGate();
  const model = { ...host.model, language: gate.wrap(host.model.language) };
  let planningCost = 0;
  let plan = record.plan;
  if (!plan) {
    const decomposition = await decompose(record.task, {
      model: host.model,
      language: model.language,
      strategy: settings.strategy,
      max: settings.maxSubagents,
      signal,
    });
    plan = decomposition.plan;
    planningCost = decomposition.costUsd;
    store.savePlan(id, plan);
  } else store.setStatus(id, "running"); // resumed: no longer stopped or failed
  const stored = store.subtasks(id);
  const states = new Map(plan.subtasks.map((s) => [s.id, stored.get(s.id)?.state ?? "pending"]));
  const results = new Map<string, SubtaskRecordResult>();
  for (const [subtaskId, entry] of stored) if (entry.result) results.set(subtaskId, entry.result);
  emit({
    type: "started",
    swarm_id: id,
    task: record.task,
    resumed: Boolean(options.resume),
    source: plan.source,
    subtasks: plan.subtasks.map(({ id, name, specialty, dependencies, needs_worktree }) => ({
      id,
      name,
      specialty,
      dependencies,
      needs_worktree,
    })),
    stages: plan.stages,
  });
  const set = (subtaskId: string, state: SubtaskState, result?: SubtaskRecordResult) => {
    states.set(subtaskId, state);
    if (result) results.set(subtaskId, result);
    store.setSubtask(id, subtaskId, state, result);
  };

  const workspaces = await SubtaskWorkspaces.open(host.workspace, id);
  // Checked before any sub-agent runs: otherwise each would do its work for a merge that cannot happen.
  const blocker = plan.subtasks.some((s) => s.needs_worktree && !FINAL.has(states.get(s.id)!))
    ? await workspaces.mergeBlocker()
    : undefined;
  if (blocker) {
    store.setStatus(id, "stopped");
    throw new UserError(`${blocker}; then: codetether swarm --resume ${id}`);
  }
  const byId = new Map(plan.subtasks.map((s) => [s.id, s]));
  let spawned = 0;
  let stagesMs = 0;
  for (const [index, stageIds] of plan.stages.entries()) {
    if (signal?.aborted) break;
    const stage = stageIds.map((sid) => byId.get(sid)!);
    const todo = stage.filter((s) => !FINAL.has(states.get(s.id)!));
    if (todo.length === 0) continue;
    emit({ type: "stage_started", swarm_id: id, stage: index, subtasks: todo.map((s) => s.id) });
    const stageStart = Date.now();
    const lanes = new Map<string, Lane>();
    await eachLimited(todo, settings.concurrency, async (subtask) => {
      if (signal?.aborted) return;
      let lane: Lane;
      try {
        lane = await workspaces.acquire(subtask);
      } catch (error) {
        const result = skipped(subtask, `no worktree for it: ${(error as Error).message}`);
        set(subtask.id, "failed", result);
        emit({ type: "subtask_done", swarm_id: id, subtask: publicResult(result) });
        return;
      }
      lanes.set(subtask.id, lane);
      try {
        // Its agent finished before a crash; only its merge is left.
        if (states.get(subtask.id) === "awaiting_merge") return;
        const blocked = subtask.dependencies.find((dep) => !results.get(dep)?.success);
        if (blocked) {
          const result = skipped(subtask, `dependency ${blocked} did not succeed`);
          set(subtask.id, "failed", result);
          emit({ type: "subtask_done", swarm_id: id, subtask: publicResult(result) });
          return;
        }
        spawned++;
        set(subtask.id, "running");
        const runStart = Date.now();
        let sessionId: string | undefined;
        const update = (state: SubtaskState, step = 0, tokens = 0, tool?: string) =>
          emit({
            type: "subtask_update",
            swarm_id: id,
            subtask_id: subtask.id,
            state,
            step,
            tool,
            elapsed_ms: Date.now() - runStart,
            tokens,
            session_id: sessionId,
          });
        update("running");
        const card = options.registry?.spawnEphemeral(`${id}-${subtask.id}`, {
          description: `swarm ${id} sub-agent: ${subtask.name} (${subtask.specialty})`,
        });
        let result: SubtaskRecordResult;
        try {
          result = await runSubtask(host, {
            subtask,
            input: subtaskInput(record.task, subtask, results),
            workspace: lane.workspace,
            authorize: workspaces.authorizeIn(lane, host.authorize),
            model,
            maxSteps: settings.maxSteps,
            timeoutMs: settings.timeoutSecs * 1000,
            signal,
            onProgress: (p) => {
              sessionId = p.sessionId;
              update("running", p.step, p.tokens, p.tool);
            },
          });
        } finally {
          card?.handle.close();
        }
        if (lane.worktree) result.branch = lane.worktree.branch;
        if (!result.success && lane.worktree) {
          await workspaces.keep(lane, `swarm ${id}: ${subtask.id} ${subtask.name} (failed)`);
          result.merged = false;
        }
        const state = !result.success ? "failed" : lane.worktree ? "awaiting_merge" : "completed";
        set(subtask.id, state, result);
        update(state, result.steps, (result.input_tokens ?? 0) + (result.output_tokens ?? 0));
        emit({ type: "subtask_done", swarm_id: id, subtask: publicResult(result) });
      } finally {
        lane.release();
      }
    });
    // Merged in subtask order, after the stage: the next stage starts from everything merged so far.
    for (const subtask of stage) {
      const lane = lanes.get(subtask.id);
      if (!lane || states.get(subtask.id) !== "awaiting_merge") continue;
      const merge = await workspaces.merge(lane, `swarm ${id}: ${subtask.id} ${subtask.name}`).catch((error: Error) => {
        // Not a conflict (git itself failed): the work stays on its branch and the subtask runs again on resume.
        const done = results.get(subtask.id)!;
        set(subtask.id, "failed", {
          ...done,
          success: false,
          merged: false,
          result: `${done.result}\n[merge failed: ${error.message}]`,
        });
        return undefined;
      });
      if (!merge) continue;
      const result = { ...results.get(subtask.id)!, branch: merge.branch, merged: merge.merged };
      if (!merge.merged) result.conflicts = merge.conflicts;
      set(subtask.id, merge.merged ? "completed" : "conflict", result);
      emit({
        type: "merge_result",
        swarm_id: id,
        subtask_id: subtask.id,
        merged: merge.merged,
        branch: merge.branch,
        files: merge.merged ? merge.files : merge.conflicts,
        ...(merge.merged ? {} : { conflicts: merge.conflicts }),
      });
    }
    stagesMs += Date.now() - stageStart;
  }

  const records = plan.subtasks.map((s) => results.get(s.id) ?? skipped(s, "not run (the swarm was stopped)"));
  const subtaskResults = records.map(publicResult);
  const synthesis = signal?.aborted ? undefined : await synthesize(host, model, record.task, plan, subtaskResults);
  const allDone = plan.subtasks.every((s) => states.get(s.id) === "completed");
  const success = allDone && (synthesis?.success ?? false);
  const sequential = subtaskResults.reduce((sum, r) => sum + r.execution_time_ms, 0);
  const result: SwarmResult = {
    success,
    result: synthesis?.text ?? "",
    subtask_results: subtaskResults,
    stats: {
      subagents_spawned: spawned,
      // A subtask whose work did not merge (a conflict) did not complete, however its agent ended.
      subagents_completed: subtaskResults.filter(landed).length,
      subagents_failed: subtaskResults.filter((r) => !landed(r)).length,
      total_tool_calls: subtaskResults.reduce((sum, r) => sum + r.tool_calls, 0),
      critical_path_length: plan.stages.length,
      stages: plan.stages.length,
      execution_time_ms: Date.now() - started,
      sequential_time_estimate_ms: sequential,
      speedup_factor: stagesMs > 0 ? round(sequential / stagesMs) : 1,
      cost_usd: round(planningCost + (synthesis?.cost ?? 0) + records.reduce((s, r) => s + (r.cost_usd ?? 0), 0), 6),
    },
  };
  store.setStatus(id, success ? "completed" : "failed", result);
  emit({ type: "completed", swarm_id: id, success, stats: result.stats });
  return result;
}

/** The subtask's instruction, with the overall task for context and the results of its dependencies. */
function subtaskInput(task: string, subtask: Subtask, results: Map<string, SubtaskRecordResult>): string {
  const parts = [
    `# Your subtask: ${subtask.name}\n${subtask.instruction}`,
    `# The overall task (for context)\n${task}`,
  ];
  if (subtask.dependencies.length) {
    const reports = subtask.dependencies.map((dep) => {
      const r = results.get(dep);
      return `## ${dep} ${r?.name ?? ""}\n${r?.result ?? "(no result)"}`;
    });
    parts.push(`# Results of the subtasks yours depends on\n${reports.join("\n\n")}`);
  }
  return parts.join("\n\n");
}

/**
 * The final answer from the subtasks' reports, in one model turn without tools. A single subtask's
 * report is the answer already.
 */
async function synthesize(
  host: SwarmHost,
  model: SwarmHost["model"],
  task: string,
  plan: SwarmPlan,
  results: SubtaskResult[],
): Promise<{ text: string; success: boolean; cost: number }> {
  if (results.length === 1) return { text: results[0]!.result, success: results[0]!.success, cost: 0 };
  const reports = results.map(
    (r) =>
      `## ${r.subtask_id} ${r.name} (${r.success ? "succeeded" : "FAILED"}${r.merged === false ? ", NOT merged" : ""})\n${r.result}`,
  );
  const session = host.store.create({
    directory: host.workspace,
    model: model.ref,
    agent: host.session.agent,
    title: `swarm synthesis (${plan.subtasks.length} subtasks)`,
    parentId: host.session.id,
  });
  let text = "";
  let failure = "";
  let cost = 0;
  for await (const event of host.run(fill(synthesisPrompt, { task, reports: reports.join("\n\n") }), {
    session,
    tools: [],
    model,
    maxSteps: 1,
  })) {
    if (event.type === "usage") cost += event.cost ?? 0;
    if (event.type === "error") failure = event.message;
    if (event.type === "finish") text = event.text;
  }
  return { text: text || `[synthesis failed: ${failure}]`, success: Boolean(text), cost };
}

/** A subtask's entry of the `--json` result: its session and cost stay in the store. */
function publicResult(record: SubtaskRecordResult): SubtaskResult {
  const { session_id: _session, cost_usd: _cost, input_tokens: _in, output_tokens: _out, ...result } = record;
  return result;
}

function skipped(subtask: Subtask, why: string): SubtaskRecordResult {
  return {
    subtask_id: subtask.id,
    name: subtask.name,
    success: false,
    result: `[skipped: ${why}]`,
    steps: 0,
    tool_calls: 0,
    execution_time_ms: 0,
  };
}

/** Runs `work` on every item, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A subtask's work is in: its agent succeeded and, when it changed files in a worktree, they merged. */
function landed(result: { success: boolean; merged?: boolean }): boolean {
  return result.success && result.merged !== false;
}
