import { AsyncLocalStorage } from "node:async_hooks";
import type { Pool, PoolClient, QueryResultRow } from "pg";
import { UserError } from "../contracts/errors.ts";
import { inTransaction } from "../postgres/transaction.ts";
import type { RelayCheckpoint } from "../relay/checkpoint.ts";
import type { KeyResult, KrOutcome, Okr, OkrRun, OkrStatus } from "./model.ts";
import type { OkrStore } from "./store.ts";
import * as tables from "./okr-rows.ts";

type Doc = { doc: string };

/**
 * The OKR store in PostgreSQL (tables of migration 6, the same documents as SqliteOkrStore), so every
 * machine pointing at one database sees the same objectives, runs and relay checkpoints. Calls made
 * inside `transaction` run on its connection; others on the pool.
 */
export class PostgresOkrStore implements OkrStore {
  private readonly client = new AsyncLocalStorage<PoolClient>();

  constructor(private readonly pool: Pool) {}

  async insertOkr(okr: Okr): Promise<void> {
    await this.transaction(async () => {
      await this.query(`INSERT INTO okrs (id, status, created_at, doc) VALUES ($1, $2, $3, $4)`, tables.okrRow(okr));
      for (const row of tables.keyResultRows(okr))
        await this.query(`INSERT INTO okr_key_results (id, okr_id, position, doc) VALUES ($1, $2, $3, $4)`, row);
    });
  }

  async getOkr(id: string): Promise<Okr | undefined> {
    const sql = `SELECT doc FROM okrs WHERE id = $1${this.lockInTransaction()}`;
    const [okr] = await this.withKeyResults(await this.docs<Okr>(sql, [id]));
    return okr;
  }

  async listOkrs(filter: { status?: OkrStatus } = {}): Promise<Okr[]> {
    const order = `ORDER BY created_at DESC, seq DESC`;
    const rows = filter.status
      ? await this.docs<Okr>(`SELECT doc FROM okrs WHERE status = $1 ${order}`, [filter.status])
      : await this.docs<Okr>(`SELECT doc FROM okrs ${order}`);
    return this.withKeyResults(rows);
  }

  async updateOkr(okr: Omit<Okr, "key_results">): Promise<void> {
    const [id, status, , doc] = tables.okrRow(okr);
    await this.query(`UPDATE okrs SET status = $1, doc = $2 WHERE id = $3`, [status, doc, id]);
  }

  async updateKeyResult(kr: Omit<KeyResult, "outcomes">): Promise<void> {
    await this.query(`UPDATE okr_key_results SET doc = $1 WHERE id = $2`, [tables.keyResultDoc(kr), kr.id]);
  }

  async insertRun(run: OkrRun): Promise<void> {
    await this.query(`INSERT INTO okr_runs (id, okr_id, started_at, doc) VALUES ($1, $2, $3, $4)`, tables.runRow(run));
  }

  async getRun(id: string): Promise<OkrRun | undefined> {
    const sql = `SELECT doc FROM okr_runs WHERE id = $1${this.lockInTransaction()}`;
    const [run] = await this.withRunOutcomes(await this.docs<OkrRun>(sql, [id]));
    return run;
  }

  async listRuns(okrId?: string): Promise<OkrRun[]> {
    const rows = okrId
      ? await this.docs<OkrRun>(`SELECT doc FROM okr_runs WHERE okr_id = $1 ORDER BY started_at, seq`, [okrId])
      : await this.docs<OkrRun>(`SELECT doc FROM okr_runs ORDER BY started_at, seq`);
    return this.withRunOutcomes(rows);
  }

  async updateRun(run: Omit<OkrRun, "outcomes">): Promise<void> {
    const [id, , , doc] = tables.runRow(run);
    await this.query(`UPDATE okr_runs SET doc = $1 WHERE id = $2`, [doc, id]);
  }

  async insertOutcome(outcome: KrOutcome): Promise<void> {
    const sql = `INSERT INTO okr_outcomes (id, kr_id, run_id, created_at, doc) VALUES ($1, $2, $3, $4, $5)`;
    await this.query(sql, tables.outcomeRow(outcome));
  }

  async saveCheckpoint(checkpoint: RelayCheckpoint): Promise<void> {
    await this.query(
      `${tables.UPSERT_CHECKPOINT} VALUES ($1, $2, $3, $4) ${tables.ON_CHECKPOINT_CONFLICT}`,
      tables.checkpointRow(checkpoint),
    );
  }

  async getCheckpoint(relayId: string): Promise<RelayCheckpoint | undefined> {
    const [checkpoint] = await this.docs<RelayCheckpoint>(`SELECT doc FROM relay_checkpoints WHERE relay_id = $1`, [
      relayId,
    ]);
    return checkpoint;
  }

  /**
   * A row read in a transaction is locked until it ends: the service reads, checks a transition and writes
   * (approve and deny of one run on two machines), and READ COMMITTED alone would let both writes land.
   */
  private lockInTransaction(): string {
    return this.client.getStore() ? " FOR UPDATE" : "";
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.client.getStore()) return fn();
    return inTransaction(this.pool, (client) => this.client.run(client, fn));
  }

  /**
   * A session-level advisory lock on a connection of its own, held while the relay runs here: released
   * by closing that connection, which the server also does when this process dies.
   */
  async holdRelay(relayId: string): Promise<() => Promise<void>> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ held: boolean }>(
        `SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS held`,
        [`codetether relay ${relayId}`],
      );
      if (!rows[0]!.held) throw new UserError(`relay ${relayId} is running in another process`);
    } catch (error) {
      client.release(true);
      throw error;
    }
    return async () => client.release(true);
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  /** The key results of each objective, with their outcomes: two queries for all of them. */
  private async withKeyResults(okrs: Array<Omit<Okr, "key_results">>): Promise<Okr[]> {
    if (okrs.length === 0) return [];
    const { rows: krRows } = await this.query<Doc & { okr_id: string }>(
      `SELECT okr_id, doc FROM okr_key_results WHERE okr_id = ANY($1) ORDER BY position`,
      [okrs.map((okr) => okr.id)],
    );
    const krs = krRows.map((row) => JSON.parse(row.doc) as Omit<KeyResult, "outcomes">);
    const outcomes = await this.outcomesBy(
      "kr_id",
      krs.map((kr) => kr.id),
    );
    return okrs.map((okr) => ({
      ...okr,
      key_results: krs
        .filter((kr) => kr.okr_id === okr.id)
        .map((kr) => ({ ...kr, outcomes: outcomes.filter((o) => o.kr_id === kr.id) })),
    }));
  }

  private async withRunOutcomes(runs: Array<Omit<OkrRun, "outcomes">>): Promise<OkrRun[]> {
    if (runs.length === 0) return [];
    const outcomes = await this.outcomesBy(
      "run_id",
      runs.map((run) => run.id),
    );
    return runs.map((run) => ({ ...run, outcomes: outcomes.filter((o) => o.run_id === run.id) }));
  }

  private async outcomesBy(column: "kr_id" | "run_id", ids: string[]): Promise<KrOutcome[]> {
    if (ids.length === 0) return [];
    const sql = `SELECT doc FROM okr_outcomes WHERE ${column} = ANY($1) ORDER BY created_at, seq`;
    return this.docs<KrOutcome>(sql, [ids]);
  }

  private async docs<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const { rows } = await this.query<Doc>(sql, params);
    return rows.map((row) => JSON.parse(row.doc) as T);
  }

  private query<R extends QueryResultRow = QueryResultRow>(sql: string, params: unknown[] = []) {
    return (this.client.getStore() ?? this.pool).query<R>(sql, params);
  }
}
