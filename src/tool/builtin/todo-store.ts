import { openDatabase, inTransaction } from "../../storage/database.ts";
import { ToolError, type ToolContext } from "../../contracts/tool.ts";

export const TODO_STATUSES = ["pending", "in_progress", "completed", "cancelled"] as const;
export const TODO_PRIORITIES = ["high", "medium", "low"] as const;

export interface Todo {
  content: string;
  status: (typeof TODO_STATUSES)[number];
  priority?: (typeof TODO_PRIORITIES)[number];
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS todos (
  session_id TEXT NOT NULL, position INTEGER NOT NULL, content TEXT NOT NULL, status TEXT NOT NULL, priority TEXT,
  PRIMARY KEY (session_id, position)
)`;

function database(ctx: ToolContext) {
  if (!ctx.dataDir) throw new ToolError("the todo list is not available in this run (no data directory)");
  const db = openDatabase(ctx.dataDir);
  db.exec(SCHEMA);
  return db;
}

/** The session's todo list, in order. */
export function readTodos(ctx: ToolContext): Todo[] {
  const rows = database(ctx)
    .prepare(`SELECT content, status, priority FROM todos WHERE session_id = ? ORDER BY position`)
    .all(ctx.sessionId) as Array<{ content: string; status: Todo["status"]; priority: Todo["priority"] | null }>;
  return rows.map((r) => ({ content: r.content, status: r.status, ...(r.priority ? { priority: r.priority } : {}) }));
}

/** Replaces the session's todo list in one transaction. */
export function writeTodos(ctx: ToolContext, todos: Todo[]): void {
  const db = database(ctx);
  const insert = db.prepare(
    `INSERT INTO todos (session_id, position, content, status, priority) VALUES (?, ?, ?, ?, ?)`,
  );
  inTransaction(db, () => {
    db.prepare(`DELETE FROM todos WHERE session_id = ?`).run(ctx.sessionId);
    todos.forEach((t, i) => insert.run(ctx.sessionId, i, t.content, t.status, t.priority ?? null));
  });
}

const MARKS: Record<Todo["status"], string> = {
  pending: "[ ]",
  in_progress: "[~]",
  completed: "[x]",
  cancelled: "[-]",
};

export function formatTodos(todos: Todo[]): string {
  if (todos.length === 0) return "no todos";
  const open = todos.filter((t) => t.status === "pending" || t.status === "in_progress").length;
  const lines = todos.map((t, i) => `${MARKS[t.status]} ${i + 1}. ${t.content}${t.priority ? ` (${t.priority})` : ""}`);
  return `${lines.join("\n")}\n${open} open of ${todos.length}`;
}
