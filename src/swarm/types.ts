/** How the task is split: see decompose.md for what each asks of the model. */
export type Strategy = "auto" | "domain" | "data" | "stage" | "none";

export const STRATEGIES: readonly Strategy[] = ["auto", "domain", "data", "stage", "none"];

/** One unit of work of a plan, as the model proposes it (ids are assigned by the plan). */
export interface Subtask {
  /** `st-1`, `st-2`, … in plan order: a branch name and a bus token. */
  id: string;
  name: string;
  instruction: string;
  specialty: string;
  /** Ids of earlier subtasks whose results this one needs. */
  dependencies: string[];
  priority: number;
  /** Whether it changes files (then it gets its own git worktree, or the workspace to itself). */
  needs_worktree: boolean;
}

export interface SwarmPlan {
  subtasks: Subtask[];
  /** Subtask ids by stage: stage n holds the subtasks whose longest dependency chain has n links. */
  stages: string[][];
  /** How the plan came about: the model's first answer, its repair, or the whole task as one subtask. */
  source: "model" | "repaired" | "fallback" | "none";
}

/**
 * Where a subtask is: `awaiting_merge` = its agent finished in a worktree that is not merged yet;
 * `completed` and `conflict` are final (a conflict's work stays on its branch); the rest run again on resume.
 */
export type SubtaskState = "pending" | "running" | "awaiting_merge" | "completed" | "conflict" | "failed";

/** One subtask's entry of the result (`subtask_results[]` of `--json`). */
export interface SubtaskResult {
  subtask_id: string;
  name: string;
  success: boolean;
  result: string;
  steps: number;
  tool_calls: number;
  execution_time_ms: number;
  branch?: string;
  merged?: boolean;
  /** Files that conflicted when merging its branch (the work stays on `branch`). */
  conflicts?: string[];
}

/** What the swarm keeps of a subtask beyond its public result: its session and what it cost. */
export interface SubtaskRecordResult extends SubtaskResult {
  session_id?: string;
  cost_usd?: number;
  input_tokens?: number;
  output_tokens?: number;
}

export interface SwarmStats {
  subagents_spawned: number;
  subagents_completed: number;
  subagents_failed: number;
  total_tool_calls: number;
  critical_path_length: number;
  stages: number;
  execution_time_ms: number;
  sequential_time_estimate_ms: number;
  /** sequential_time_estimate_ms ÷ the wall time of the stages (planning and synthesis excluded). */
  speedup_factor: number;
  cost_usd: number;
}

/** The `--json` result of a swarm. */
export interface SwarmResult {
  success: boolean;
  result: string;
  subtask_results: SubtaskResult[];
  stats: SwarmStats;
}

/** What a swarm reports as it goes, on `swarm.{id}` and to its front end. */
export type SwarmEvent =
  | {
      type: "started";
      swarm_id: string;
      task: string;
      resumed: boolean;
      source: SwarmPlan["source"];
      subtasks: Array<Pick<Subtask, "id" | "name" | "specialty" | "dependencies" | "needs_worktree">>;
      stages: string[][];
    }
  | { type: "stage_started"; swarm_id: string; stage: number; subtasks: string[] }
  | {
      type: "subtask_update";
      swarm_id: string;
      subtask_id: string;
      state: SubtaskState;
      step: number;
      tool?: string;
      elapsed_ms: number;
      tokens: number;
      /** The sub-agent's session, once it has one (its transcript). */
      session_id?: string;
    }
  | { type: "subtask_done"; swarm_id: string; subtask: SubtaskResult }
  | {
      type: "merge_result";
      swarm_id: string;
      subtask_id: string;
      merged: boolean;
      branch: string;
      files: string[];
      conflicts?: string[];
    }
  | { type: "completed"; swarm_id: string; success: boolean; stats: SwarmStats };
