import assert from "node:assert/strict";
import { test } from "node:test";
import { connectPostgres } from "../../src/postgres/connect.ts";
import { migrate, MIGRATION_LOCK, type Migration } from "../../src/postgres/migrate.ts";
import { MIGRATIONS, openPostgresStorage } from "../../src/postgres/schema.ts";
import { freshSchema, postgresUnavailableReason } from "./pg-fixture.ts";

const reason = await postgresUnavailableReason();

/** Migrations that record, in a table, each time one of them runs. */
const counted: Migration[] = [
  { version: 1, name: "runs", sql: "CREATE TABLE runs (version INTEGER NOT NULL); INSERT INTO runs VALUES (1)" },
  { version: 2, name: "second", sql: "INSERT INTO runs VALUES (2)" },
  { version: 3, name: "third", sql: "INSERT INTO runs VALUES (3); SELECT pg_sleep(0.2)" },
];

async function runsIn(pool: Awaited<ReturnType<Awaited<ReturnType<typeof freshSchema>>["open"]>>) {
  return (await pool.query<{ version: number }>("SELECT version FROM runs ORDER BY version")).rows.map(
    (r) => r.version,
  );
}

test("migrations from an empty database, then again: each runs once", { skip: reason }, async (t) => {
  const schema = await freshSchema(t);
  const pool = await schema.open();
  assert.deepEqual(await migrate(pool, counted), [1, 2, 3]);
  assert.deepEqual(await migrate(pool, counted), []);
  assert.deepEqual(await runsIn(pool), [1, 2, 3]);
  const { rows } = await pool.query("SELECT version, name FROM codetether_migrations ORDER BY version");
  assert.deepEqual(
    rows.map((r) => `${r.version} ${r.name}`),
    ["1 runs", "2 second", "3 third"],
  );
});

test("from the previous schema version only the new migrations run", { skip: reason }, async (t) => {
  const schema = await freshSchema(t);
  const pool = await schema.open();
  assert.deepEqual(await migrate(pool, counted.slice(0, 1)), [1]);
  assert.deepEqual(await migrate(pool, counted), [2, 3]);
  assert.deepEqual(await runsIn(pool), [1, 2, 3]);
});

test("replicas migrating at once: one applies, the others wait and find nothing to do", { skip: reason }, async (t) => {
  const schema = await freshSchema(t);
  const pools = await Promise.all([schema.open(), schema.open(), schema.open()]);
  const applied = await Promise.all(pools.map((pool) => migrate(pool, counted)));
  assert.deepEqual(applied.flat().sort(), [1, 2, 3]);
  assert.equal(applied.filter((versions) => versions.length > 0).length, 1);
  assert.deepEqual(await runsIn(pools[0]!), [1, 2, 3]);
});

test(
  "waiting for the migration lock, and a migration itself, may take longer than the pool's timeout",
  { skip: reason },
  async (t) => {
    const schema = await freshSchema(t);
    const holder = await schema.open();
    await holder.query("SELECT pg_advisory_lock($1, hashtext(current_schema()))", [MIGRATION_LOCK]);
    const release = setTimeout(() => void holder.query("SELECT pg_advisory_unlock_all()"), 800);
    t.after(() => clearTimeout(release));
    const pool = await connectPostgres({ url: schema.url, schema: schema.schema, timeoutMs: 300 });
    t.after(() => pool.end());
    const slow: Migration = {
      version: 1,
      name: "slow",
      sql: "SELECT pg_sleep(0.8); CREATE TABLE runs (version INTEGER)",
    };
    assert.deepEqual(await migrate(pool, [slow]), [1]);
    await assert.rejects(
      pool.query("SELECT pg_sleep(0.8)"),
      /statement timeout/,
      "other queries keep the pool's timeout",
    );
  },
);

test("a failing migration rolls the whole run back and names itself", { skip: reason }, async (t) => {
  const schema = await freshSchema(t);
  const pool = await schema.open();
  const broken = [...counted.slice(0, 2), { version: 3, name: "broken", sql: "INSERT INTO nowhere VALUES (1)" }];
  await assert.rejects(
    migrate(pool, broken),
    /database migration 3 \(broken\) failed: relation "nowhere" does not exist/,
  );
  const { rows } = await pool.query("SELECT to_regclass('runs') AS runs, to_regclass('codetether_migrations') AS log");
  assert.deepEqual(rows[0], { runs: null, log: null });
  assert.deepEqual(await migrate(pool, counted), [1, 2, 3]);
});

test("CodeTether's own schema migrates from empty and twice at once", { skip: reason }, async (t) => {
  const schema = await freshSchema(t);
  const [pool, other] = await Promise.all([schema.open(), schema.open()]);
  const applied = await Promise.all([migrate(pool, MIGRATIONS), migrate(other, MIGRATIONS)]);
  assert.deepEqual(
    applied.flat(),
    MIGRATIONS.map((m) => m.version),
  );
  const { rows } = await pool.query("SELECT count(*)::int AS n FROM a2a_tasks");
  assert.equal(rows[0].n, 0);
});

test("an unreachable database is one clear error without the URL's password", async () => {
  await assert.rejects(
    openPostgresStorage({ url: "postgres://someone:hunter2@127.0.0.1:1/nothing" }),
    (error: Error) => {
      assert.match(error.message, /^cannot connect to PostgreSQL at 127\.0\.0\.1:1\/nothing: /);
      assert.doesNotMatch(error.message, /hunter2|someone/);
      return true;
    },
  );
});
