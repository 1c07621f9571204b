import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { holdOrRefuse, isHeld } from "../storage/exclusive-lock.ts";
import { cachedStatement, openDatabase, type Database, inTransaction } from "../storage/database.ts";
import type { Strategy, SubtaskRecordResult, SubtaskState, SwarmPlan, SwarmResult } from "./types.ts";

/** What a swarm was started with: enough to run it again on `--resume`. */
export interface SwarmSettings {
  strategy: Strategy;
  maxSubagents: number;
  concurrency: number;
  maxSteps: number;
  timeoutSecs: number;
  model: string;
}

/** `stopped`: interrupted (Ctrl+C, SIGTERM) and resumable with `--resume`. */
export type SwarmStatus = "planning" | "running" | "completed" | "failed" | "stopped";

export interface SwarmRecord {
  id: string;
  task: string;
  workspace: string;
  settings: SwarmSettings;
  plan?: SwarmPlan;
  status: SwarmStatus;
  createdAt: number;
  updatedAt: number;
  result?: SwarmResult;
}

export interface SubtaskRecord {
  subtaskId: string;
  state: SubtaskState;
  result?: SubtaskRecordResult;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS swarms (
  id TEXT PRIMARY KEY, task TEXT NOT NULL, workspace TEXT NOT NULL, settings TEXT NOT NULL, plan TEXT,
  status TEXT NOT NULL, result TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS swarms_by_update ON swarms(updated_at);
CREATE TABLE IF NOT EXISTS swarm_subtasks (
  swarm_id TEXT NOT NULL REFERENCES swarms(id), subtask_id TEXT NOT NULL, state TEXT NOT NULL, result TEXT,
  updated_at INTEGER NOT NULL, PRIMARY KEY (swarm_id, subtask_id)
);`;

interface SwarmRow {
  id: string;
  task: string;
  workspace: string;
  settings: string;
  plan: string | null;
  status: SwarmStatus;
  result: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * Swarms, their plans and each subtask's state in the data dir's SQLite database, written as they
 * change (WAL, kept across kill -9), so `codetether swarm --resume ID` knows what is already done.
 */
export class SwarmStore {
  private constructor(
    private readonly db: Database,
    private readonly lockDir: string,
  ) {}

  static open(dataDir: string): SwarmStore {
    const db = openDatabase(dataDir);
    db.exec(SCHEMA);
    return new SwarmStore(db, join(dataDir, "swarms"));
  }

  /**
   * Holds swarm `id` for this process until released or the process ends, however it ends: a `--resume`
   * of a swarm still running elsewhere would run its subtasks twice and merge them against each other.
   */
  hold(id: string): () => void {
    return holdOrRefuse(this.lockDir, id, `swarm ${id} is running in another process`);
  }

  /** Whether a process holds swarm `id` (see hold): one stored as running that none holds was killed. */
  isHeld(id: string): boolean {
    return isHeld(join(this.lockDir, `${id}.lock`));
  }

  create(task: string, workspace: string, settings: SwarmSettings): SwarmRecord {
    const now = Date.now();
    const id = `swarm_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    cachedStatement(
      this.db,
      `INSERT INTO swarms (id, task, workspace, settings, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'planning', ?, ?)`,
    ).run(id, task, workspace, JSON.stringify(settings), now, now);
    return this.get(id)!;
  }

  get(id: string): SwarmRecord | undefined {
    const row = cachedStatement(this.db, `SELECT * FROM swarms WHERE id = ?`).get(id) as SwarmRow | undefined;
    return row && toRecord(row);
  }

  list(limit: number): SwarmRecord[] {
    const rows = cachedStatement(this.db, `SELECT * FROM swarms ORDER BY updated_at DESC LIMIT ?`).all(limit);
    return (rows as SwarmRow[]).map(toRecord);
  }

  /** The plan and every subtask `pending`, in one transaction: a crash leaves both or neither. */
  savePlan(id: string, plan: SwarmPlan): void {
    const now = Date.now();
    inTransaction(this.db, () => {
      cachedStatement(this.db, `UPDATE swarms SET plan = ?, status = 'running', updated_at = ? WHERE id = ?`).run(
        JSON.stringify(plan),
        now,
        id,
      );
      for (const subtask of plan.subtasks)
        cachedStatement(
          this.db,
          `INSERT OR IGNORE INTO swarm_subtasks (swarm_id, subtask_id, state, updated_at) VALUES (?, ?, 'pending', ?)`,
        ).run(id, subtask.id, now);
    });
  }

  setStatus(id: string, status: SwarmStatus, result?: SwarmResult): void {
    cachedStatement(this.db, `UPDATE swarms SET status = ?, result = ?, updated_at = ? WHERE id = ?`).run(
      status,
      result ? JSON.stringify(result) : null,
      Date.now(),
      id,
    );
  }

  setSubtask(id: string, subtaskId: string, state: SubtaskState, result?: SubtaskRecordResult): void {
    const now = Date.now();
    cachedStatement(
      this.db,
      `UPDATE swarm_subtasks SET state = ?, result = COALESCE(?, result), updated_at = ? WHERE swarm_id = ? AND subtask_id = ?`,
    ).run(state, result ? JSON.stringify(result) : null, now, id, subtaskId);
    cachedStatement(this.db, `UPDATE swarms SET updated_at = ? WHERE id = ?`).run(now, id);
  }

  subtasks(id: string): Map<string, SubtaskRecord> {
    const rows = cachedStatement(
      this.db,
      `SELECT subtask_id, state, result FROM swarm_subtasks WHERE swarm_id = ?`,
    ).all(id) as Array<{ subtask_id: string; state: SubtaskState; result: string | null }>;
    return new Map(
      rows.map((r) => [
        r.subtask_id,
        { subtaskId: r.subtask_id, state: r.state, result: r.result ? JSON.parse(r.result) : undefined },
      ]),
    );
  }
}

function toRecord(row: SwarmRow): SwarmRecord {
  return {
    id: row.id,
    task: row.task,
    workspace: row.workspace,
    settings: JSON.parse(row.settings) as SwarmSettings,
    plan: row.plan ? (JSON.parse(row.plan) as SwarmPlan) : undefined,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    result: row.result ? (JSON.parse(row.result) as SwarmResult) : undefined,
  };
}
