import { createHash } from "node:crypto";
import { readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { isHeld } from "../storage/exclusive-lock.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";

export type RalphFinalStatus = "completed" | "max_iterations" | "quality_failed" | "stopped";
export type RalphState = RalphFinalStatus | "running";

export interface StoryState {
  attempts: number;
  last_result?: "passed" | "failed" | "stopped";
  /** The failing check's detail (or why the agent failed), for `ralph status` and the next attempt. */
  last_failure?: string;
  last_checks?: Array<{ name: string; passed: boolean }>;
}

/**
 * The loop's runtime state. It lives in the data dir, keyed by the PRD's real path, not next to the PRD:
 * it changes every few seconds and names this machine's process, so it must not be committed with the
 * stories or dirty the work tree; the PRD and progress.txt are the state that travels with the project.
 */
export interface RalphStatus {
  prd_id: string;
  prd_path: string;
  project: string;
  feature: string;
  branch_name: string;
  status: RalphState;
  pid: number;
  started_at: string;
  updated_at: string;
  finished_at?: string;
  iterations: number;
  max_iterations: number;
  current_story?: string;
  last_iteration?: { iteration: number; story_id: string; outcome: "passed" | "failed" | "stopped"; reason?: string };
  stories: Record<string, StoryState>;
  /**
   * Files under the PRD's directory this run left uncommitted (a stopped or failed story's work), from the
   * repository's root: the next run accepts them in the work tree as its own.
   */
  left_uncommitted?: string[];
  /** What ended the run when it was not a story's outcome (a model that cannot be resolved, a git failure). */
  error?: string;
}

/** The id of a PRD: its bus topic `ralph.{id}` and its status file. Stable for one file on one machine. */
export function prdIdOf(prdPath: string): string {
  return createHash("sha256").update(realpathSync(prdPath)).digest("hex").slice(0, 12);
}

const statusPath = (dataDir: string, prdId: string) => join(dataDir, "ralph", `${prdId}.json`);

export function readStatus(dataDir: string, prdId: string): RalphStatus | undefined {
  try {
    return JSON.parse(readFileSync(statusPath(dataDir, prdId), "utf8")) as RalphStatus;
  } catch {
    return undefined;
  }
}

export function writeStatus(dataDir: string, status: RalphStatus): void {
  status.updated_at = new Date().toISOString();
  writeFileAtomic(statusPath(dataDir, status.prd_id), `${JSON.stringify(status, null, 2)}\n`);
}

/** Where the loops' locks are: a PRD's is held (by the kernel's account) exactly while a process runs its loop. */
export function ralphLockDir(dataDir: string): string {
  return join(dataDir, "ralph", "locks");
}

/** Whether a process runs the PRD's loop: a `running` status without one was interrupted (kill -9, a crash). */
export function isRunning(dataDir: string, prdId: string): boolean {
  return isHeld(join(ralphLockDir(dataDir), `${prdId}.lock`));
}
