import { randomUUID } from "node:crypto";
import type { Pool } from "pg";

export interface LeaseOptions {
  /** How long the lease lasts without renewal; it is renewed every third of that. */
  ttlMs: number;
  log?: (line: string) => void;
  /** The replica's id when the process chose it before (it names the replica on the bus too); else a new one. */
  id?: string;
}

/**
 * This process's lease in `codetether_replicas`: while it is current, the replica's unfinished work is
 * its own; once it lapses (the process died, or lost the database for a whole lease), any replica may
 * end that work. Times are the database's clock, never the replicas'. The id is new each process, so a
 * restarted replica never mistakes its predecessor's work for its own.
 */
export class ReplicaLease {
  readonly id: string;
  private timer: NodeJS.Timeout | undefined;
  /** The renewal under way, if any: a release waits for it, or it would write the lease back after the release. */
  private renewing: Promise<void> | undefined;

  private constructor(
    private readonly pool: Pool,
    private readonly options: LeaseOptions,
  ) {
    this.id = options.id ?? randomUUID();
  }

  static async acquire(pool: Pool, options: LeaseOptions): Promise<ReplicaLease> {
    const lease = new ReplicaLease(pool, options);
    await lease.renew();
    lease.timer = setInterval(() => {
      lease.renewing = lease
        .renew()
        .catch((error: Error) => options.log?.(`could not renew this replica's lease: ${error.message}`));
    }, options.ttlMs / 3);
    lease.timer.unref();
    return lease;
  }

  /** The SQL condition "the replica in column `column` holds no current lease". */
  static lapsed(column: string): string {
    return `NOT EXISTS (SELECT 1 FROM codetether_replicas r WHERE r.id = ${column} AND r.lease_until > now())`;
  }

  /** Removes lapsed leases (their work is ended first): a replica without a row counts as lapsed all the same. */
  static async forgetLapsed(pool: Pool): Promise<void> {
    await pool.query("DELETE FROM codetether_replicas WHERE lease_until <= now()");
  }

  /** Gives the lease up (after a graceful stop, nothing of this replica is left running). */
  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    await this.pool.query("DELETE FROM codetether_replicas WHERE id = $1", [this.id]);
  }

  private async renew(): Promise<void> {
    await this.pool.query(
      `INSERT INTO codetether_replicas (id, lease_until) VALUES ($1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (id) DO UPDATE SET lease_until = excluded.lease_until`,
      [this.id, this.options.ttlMs],
    );
  }
}
