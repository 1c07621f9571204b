import type { Database } from "../storage/database.ts";
import { cachedStatement, ensureSchema, openDatabase, inTransaction } from "../storage/database.ts";

/** A standing "always allow" the user gave for one project: a permission key and a pattern of targets. */
export interface Approval {
  permission: string;
  pattern: string;
}

/** Where "always" answers live; the engine asks it before asking a person. */
export interface ApprovalStore {
  list(): Approval[];
  add(approvals: Approval[]): void;
}

/** Approvals for the life of one engine (tests, front ends that persist nothing). */
export function memoryApprovals(): ApprovalStore {
  const approvals: Approval[] = [];
  return { list: () => approvals, add: (more) => void approvals.push(...more) };
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS permission_approvals (
  workspace TEXT NOT NULL,
  permission TEXT NOT NULL,
  pattern TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace, permission, pattern)
)`;

/**
 * "Always" answers persisted per project in the data directory's SQLite database, keyed by the
 * workspace path, so they survive restarts without writing into the user's repository.
 */
export function sqliteApprovals(
  dataDir: string,
  workspace: string,
  db: Database = openDatabase(dataDir),
): ApprovalStore {
  ensureSchema(db, SCHEMA);
  const select = cachedStatement(
    db,
    "SELECT permission, pattern FROM permission_approvals WHERE workspace = ? ORDER BY created_at",
  );
  const insert = cachedStatement(
    db,
    "INSERT OR IGNORE INTO permission_approvals (workspace, permission, pattern, created_at) VALUES (?, ?, ?, ?)",
  );
  return {
    list: () => select.all(workspace) as Approval[],
    add: (approvals) => {
      const now = Date.now();
      inTransaction(db, () => approvals.forEach((a) => insert.run(workspace, a.permission, a.pattern, now)));
    },
  };
}
