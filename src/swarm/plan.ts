import { z } from "zod";
import type { Subtask, SwarmPlan } from "./types.ts";

/** A subtask as the model writes it: dependencies name earlier subtasks. */
const proposedSubtask = z.object({
  name: z.string().trim().min(1),
  instruction: z.string().trim().min(1),
  specialty: z.string().trim().optional(),
  dependencies: z.array(z.string()).optional(),
  priority: z.number().optional(),
  needs_worktree: z.boolean().optional(),
});
const proposedPlan = z.object({ subtasks: z.array(proposedSubtask) });

export type PlanCheck = { ok: true; subtasks: Subtask[] } | { ok: false; problems: string[] };

/**
 * Checks the model's answer: a JSON object `{subtasks:[…]}` (fenced or amid prose is fine), 1 to `max`
 * subtasks with unique names, each depending only on earlier ones — which also rules out cycles.
 */
export function checkPlan(text: string, max: number): PlanCheck {
  const json = extractJson(text);
  if (json === undefined) return { ok: false, problems: ["the answer is not a JSON object"] };
  const parsed = proposedPlan.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problems: [`${issue.path.join(".") || "answer"}: ${issue.message}`] };
  }
  const proposed = parsed.data.subtasks;
  const problems: string[] = [];
  if (proposed.length === 0) problems.push("there are no subtasks");
  if (proposed.length > max) problems.push(`there are ${proposed.length} subtasks; at most ${max} are allowed`);
  const ids = new Map<string, string>();
  const subtasks = proposed.map((p, index): Subtask => {
    const id = `st-${index + 1}`;
    const key = p.name.toLowerCase();
    if (ids.has(key)) problems.push(`two subtasks are named '${p.name}'`);
    const dependencies = (p.dependencies ?? []).map((dep) => {
      const found = ids.get(dep.trim().toLowerCase());
      if (!found)
        problems.push(
          `'${p.name}' depends on '${dep}', which is not an earlier subtask (dependencies must name earlier subtasks; no cycles)`,
        );
      return found ?? dep;
    });
    ids.set(key, id);
    return {
      id,
      name: p.name,
      instruction: p.instruction,
      specialty: p.specialty || "generalist",
      dependencies: [...new Set(dependencies)],
      priority: p.priority ?? 1,
      needs_worktree: p.needs_worktree ?? false,
    };
  });
  return problems.length ? { ok: false, problems } : { ok: true, subtasks };
}

/** The whole task as one subtask: `--strategy none`, and the fallback when no valid plan came. */
export function singleSubtask(task: string): Subtask[] {
  return [
    {
      id: "st-1",
      name: "whole task",
      instruction: task,
      specialty: "generalist",
      dependencies: [],
      priority: 1,
      needs_worktree: true,
    },
  ];
}

/** Stages by dependency depth: a subtask runs in the stage after the deepest of its dependencies. */
export function planOf(subtasks: Subtask[], source: SwarmPlan["source"]): SwarmPlan {
  const depth = new Map<string, number>();
  const stages: string[][] = [];
  for (const subtask of subtasks) {
    const d = Math.max(-1, ...subtask.dependencies.map((dep) => depth.get(dep) ?? -1)) + 1;
    depth.set(subtask.id, d);
    (stages[d] ??= []).push(subtask.id);
  }
  return { subtasks, stages, source };
}

/** The first JSON object in the text: the whole text, a fenced block, or from the first `{` to the last `}`. */
function extractJson(text: string): unknown {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)```/.exec(text)?.[1];
  const braces = text.includes("{") ? text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1) : undefined;
  for (const candidate of [text, fenced, braces]) {
    if (!candidate) continue;
    try {
      const value: unknown = JSON.parse(candidate);
      if (typeof value === "object" && value !== null) return value;
    } catch {
      // the next candidate
    }
  }
  return undefined;
}
