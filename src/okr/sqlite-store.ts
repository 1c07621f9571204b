import { AsyncLocalStorage } from "node:async_hooks";
import { cachedStatement, openDatabase, type Database } from "../storage/database.ts";
import type { RelayCheckpoint } from "../relay/checkpoint.ts";
import type { KeyResult, KrOutcome, Okr, OkrRun, OkrStatus } from "./model.ts";
import type { OkrStore } from "./store.ts";
import * as tables from "./okr-rows.ts";

// Documents as JSON with the columns that are looked up beside them (PostgresOkrStore keeps the same tables).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS okrs (
  id TEXT PRIMARY KEY, status TEXT NOT NULL, created_at TEXT NOT NULL, doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS okr_key_results (
  id TEXT PRIMARY KEY, okr_id TEXT NOT NULL REFERENCES okrs(id), position INTEGER NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS okr_key_results_by_okr ON okr_key_results(okr_id, position);
CREATE TABLE IF NOT EXISTS okr_runs (
  id TEXT PRIMARY KEY, okr_id TEXT NOT NULL REFERENCES okrs(id), started_at TEXT NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS okr_runs_by_okr ON okr_runs(okr_id, started_at);
CREATE TABLE IF NOT EXISTS okr_outcomes (
  id TEXT PRIMARY KEY, kr_id TEXT NOT NULL, run_id TEXT, created_at TEXT NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS okr_outcomes_by_kr ON okr_outcomes(kr_id, created_at);
CREATE INDEX IF NOT EXISTS okr_outcomes_by_run ON okr_outcomes(run_id, created_at);
CREATE TABLE IF NOT EXISTS relay_checkpoints (
  relay_id TEXT PRIMARY KEY, okr_run_id TEXT, updated_at TEXT NOT NULL, doc TEXT NOT NULL
);`;

type Doc = { doc: string };

/** Who holds a connection's transaction: shared by every store on it (openDatabase gives a data dir one). */
interface Holder {
  inside: AsyncLocalStorage<true>;
  open: boolean;
  transactions: Promise<unknown>;
}
const holders = new WeakMap<Database, Holder>();

/**
 * The OKR store in the embedded database `<data dir>/codetether.db`; each commit is fsynced (checkpoints
 * must survive a crash). A transaction spans awaits, so the connection is held by one at a time: calls
 * from outside it wait until it ends rather than landing in it.
 */
export class SqliteOkrStore implements OkrStore {
  private readonly holder: Holder;

  private constructor(private readonly db: Database) {
    let holder = holders.get(db);
    if (!holder)
      holders.set(db, (holder = { inside: new AsyncLocalStorage(), open: false, transactions: Promise.resolve() }));
    this.holder = holder;
  }

  static open(dataDir: string): SqliteOkrStore {
    const db = openDatabase(dataDir, { synchronous: "FULL" });
    db.exec(SCHEMA);
    return new SqliteOkrStore(db);
  }

  async insertOkr(okr: Okr): Promise<void> {
    await this.transaction(async () => {
      this.run(`INSERT INTO okrs (id, status, created_at, doc) VALUES (?, ?, ?, ?)`, ...tables.okrRow(okr));
      for (const row of tables.keyResultRows(okr))
        this.run(`INSERT INTO okr_key_results (id, okr_id, position, doc) VALUES (?, ?, ?, ?)`, ...row);
    });
  }

  async getOkr(id: string): Promise<Okr | undefined> {
    await this.ready();
    const row = this.get<Doc>(`SELECT doc FROM okrs WHERE id = ?`, id);
    return row && this.withKeyResults(JSON.parse(row.doc));
  }

  async listOkrs(filter: { status?: OkrStatus } = {}): Promise<Okr[]> {
    await this.ready();
    const rows = filter.status
      ? this.all<Doc>(`SELECT doc FROM okrs WHERE status = ? ORDER BY created_at DESC, rowid DESC`, filter.status)
      : this.all<Doc>(`SELECT doc FROM okrs ORDER BY created_at DESC, rowid DESC`);
    return rows.map((row) => this.withKeyResults(JSON.parse(row.doc)));
  }

  async updateOkr(okr: Omit<Okr, "key_results">): Promise<void> {
    await this.ready();
    const [id, status, , doc] = tables.okrRow(okr);
    this.run(`UPDATE okrs SET status = ?, doc = ? WHERE id = ?`, status, doc, id);
  }

  async updateKeyResult(kr: Omit<KeyResult, "outcomes">): Promise<void> {
    await this.ready();
    this.run(`UPDATE okr_key_results SET doc = ? WHERE id = ?`, tables.keyResultDoc(kr), kr.id);
  }

  async insertRun(run: OkrRun): Promise<void> {
    await this.ready();
    this.run(`INSERT INTO okr_runs (id, okr_id, started_at, doc) VALUES (?, ?, ?, ?)`, ...tables.runRow(run));
  }

  async getRun(id: string): Promise<OkrRun | undefined> {
    await this.ready();
    const row = this.get<Doc>(`SELECT doc FROM okr_runs WHERE id = ?`, id);
    return row && this.withRunOutcomes(JSON.parse(row.doc));
  }

  async listRuns(okrId?: string): Promise<OkrRun[]> {
    await this.ready();
    const rows = okrId
      ? this.all<Doc>(`SELECT doc FROM okr_runs WHERE okr_id = ? ORDER BY started_at, rowid`, okrId)
      : this.all<Doc>(`SELECT doc FROM okr_runs ORDER BY started_at, rowid`);
    return rows.map((row) => this.withRunOutcomes(JSON.parse(row.doc)));
  }

  async updateRun(run: Omit<OkrRun, "outcomes">): Promise<void> {
    await this.ready();
    const [id, , , doc] = tables.runRow(run);
    this.run(`UPDATE okr_runs SET doc = ? WHERE id = ?`, doc, id);
  }

  async insertOutcome(outcome: KrOutcome): Promise<void> {
    await this.ready();
    this.run(
      `INSERT INTO okr_outcomes (id, kr_id, run_id, created_at, doc) VALUES (?, ?, ?, ?, ?)`,
      ...tables.outcomeRow(outcome),
    );
  }

  async saveCheckpoint(checkpoint: RelayCheckpoint): Promise<void> {
    await this.ready();
    this.run(
      `${tables.UPSERT_CHECKPOINT} VALUES (?, ?, ?, ?) ${tables.ON_CHECKPOINT_CONFLICT}`,
      ...tables.checkpointRow(checkpoint),
    );
  }

  async getCheckpoint(relayId: string): Promise<RelayCheckpoint | undefined> {
    await this.ready();
    const row = this.get<Doc>(`SELECT doc FROM relay_checkpoints WHERE relay_id = ?`, relayId);
    return row && JSON.parse(row.doc);
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    const { holder } = this;
    if (holder.inside.getStore()) return fn();
    const result = holder.transactions.then(() => holder.inside.run(true, () => this.atomically(fn)));
    holder.transactions = result.catch(() => undefined);
    return result;
  }

  /** Nothing to release: the connection is shared by every store of the data dir. */
  async close(): Promise<void> {}

  private async atomically<T>(fn: () => Promise<T>): Promise<T> {
    this.db.exec("BEGIN IMMEDIATE");
    this.holder.open = true;
    try {
      const result = await fn();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      throw error;
    } finally {
      this.holder.open = false;
    }
  }

  /** Waits while another context's transaction holds the connection. */
  private async ready(): Promise<void> {
    const { holder } = this;
    while (holder.open && !holder.inside.getStore()) await holder.transactions;
  }

  private withKeyResults(okr: Omit<Okr, "key_results">): Okr {
    const rows = this.all<Doc>(`SELECT doc FROM okr_key_results WHERE okr_id = ? ORDER BY position`, okr.id);
    const key_results = rows.map((row): KeyResult => {
      const kr = JSON.parse(row.doc) as Omit<KeyResult, "outcomes">;
      const outcomes = this.all<Doc>(`SELECT doc FROM okr_outcomes WHERE kr_id = ? ORDER BY created_at, rowid`, kr.id);
      return { ...kr, outcomes: outcomes.map((o) => JSON.parse(o.doc)) };
    });
    return { ...okr, key_results };
  }

  private withRunOutcomes(run: Omit<OkrRun, "outcomes">): OkrRun {
    const rows = this.all<Doc>(`SELECT doc FROM okr_outcomes WHERE run_id = ? ORDER BY created_at, rowid`, run.id);
    return { ...run, outcomes: rows.map((row) => JSON.parse(row.doc)) };
  }

  private run(sql: string, ...params: unknown[]): void {
    cachedStatement(this.db, sql).run(...params);
  }

  private get<T>(sql: string, ...params: unknown[]): T | undefined {
    return cachedStatement(this.db, sql).get(...params) as T | undefined;
  }

  private all<T>(sql: string, ...params: unknown[]): T[] {
    return cachedStatement(this.db, sql).all(...params) as T[];
  }
}
