import type { Pool, PoolClient } from "pg";

/** Runs `work` on one pooled connection inside BEGIN/COMMIT; any throw rolls it back and is rethrown. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let result: T;
  try {
    await client.query("BEGIN");
    result = await work(client);
    await client.query("COMMIT");
  } catch (error) {
    // A connection that cannot even roll back (e.g. its query timed out, still unanswered) is closed, not reused:
    // the server rolls its transaction back when the connection goes.
    const broken = await client.query("ROLLBACK").then(
      () => false,
      () => true,
    );
    client.release(broken);
    throw error;
  }
  client.release();
  return result;
}
