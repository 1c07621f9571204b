import type { Pool } from "pg";
import { ReplicaLease } from "../postgres/replica-lease.ts";
import { claimedEntry, type ClaimedEntry, type OutboxEntry, type OutboxRow, type PushOutbox } from "./push-outbox.ts";

/** Every webhook's oldest entry. */
const HEADS = "SELECT min(seq) FROM a2a_push_outbox GROUP BY task_id, config_id, url";

/** A head nobody holds: never claimed, released, claimed too long ago, or by a replica whose lease lapsed. */
const UNCLAIMED = `(o.claimed_by IS NULL OR o.claimed_until <= now() OR ${ReplicaLease.lapsed("o.claimed_by")})`;

export interface PostgresOutboxOptions {
  /** How long a claim holds at most, also for a live replica: longer than one delivery attempt can take. */
  claimMs: number;
  /** How often to look for entries other replicas queued or left behind. */
  pollIntervalMs: number;
}

/**
 * The push outbox in PostgreSQL (`a2a_push_outbox`, migration 4), shared by the replicas. A replica
 * claims queue heads with `FOR UPDATE SKIP LOCKED`, naming itself and a claim-until: so each entry is
 * sent by one replica at a time, and one that dies mid-delivery (its lease lapses) leaves its entries to
 * the others. Times are the database's clock.
 */
export class PostgresPushOutbox implements PushOutbox {
  readonly pollIntervalMs: number;

  constructor(
    private readonly pool: Pool,
    private readonly lease: ReplicaLease,
    private readonly options: PostgresOutboxOptions,
  ) {
    this.pollIntervalMs = options.pollIntervalMs;
  }

  async enqueue(entries: OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query(
      `INSERT INTO a2a_push_outbox (task_id, config_id, url, headers, body)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [
        entries.map((entry) => entry.taskId),
        entries.map((entry) => entry.configId),
        entries.map((entry) => entry.url),
        entries.map((entry) => JSON.stringify(entry.headers)),
        entries.map((entry) => entry.body),
      ],
    );
  }

  async claimDue(): Promise<ClaimedEntry[]> {
    const { rows } = await this.pool.query<OutboxRow>(
      `UPDATE a2a_push_outbox SET claimed_by = $1, claimed_until = now() + $2 * interval '1 millisecond'
       WHERE seq IN (
         SELECT o.seq FROM a2a_push_outbox o
         WHERE o.seq IN (${HEADS}) AND o.next_at <= now() AND ${UNCLAIMED}
         FOR UPDATE OF o SKIP LOCKED)
       RETURNING seq, task_id, config_id, url, headers, body, attempts`,
      [this.lease.id, this.options.claimMs],
    );
    return rows.map(claimedEntry).sort((a, b) => a.seq - b.seq);
  }

  async remove(seq: number): Promise<void> {
    // Only while the claim is still ours: the entry behind it must not become a head (and go out) while a
    // replica that took this one over is still sending it.
    await this.pool.query("DELETE FROM a2a_push_outbox WHERE seq = $1 AND claimed_by = $2", [seq, this.lease.id]);
  }

  async retryLater(seq: number, attempts: number, delayMs: number, error: string): Promise<void> {
    // Only while the claim is still ours: a replica that took the entry over since keeps it.
    await this.pool.query(
      `UPDATE a2a_push_outbox SET attempts = $2, next_at = now() + $3 * interval '1 millisecond', last_error = $4,
         claimed_by = NULL, claimed_until = NULL
       WHERE seq = $1 AND claimed_by = $5`,
      [seq, attempts, delayMs, error, this.lease.id],
    );
  }

  async nextDueInMs(): Promise<number | undefined> {
    // A head another replica holds is due again when its claim runs out (sooner if that replica dies: polled).
    const { rows } = await this.pool.query<{ ms: number | null }>(
      `SELECT (extract(epoch FROM min(greatest(o.next_at, coalesce(o.claimed_until, o.next_at))) - now()) * 1000)::float8 AS ms
       FROM a2a_push_outbox o WHERE o.seq IN (${HEADS})`,
    );
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? undefined : Math.max(0, Math.ceil(ms));
  }
}
