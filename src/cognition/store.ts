import { openDatabase, type Database, inTransaction } from "../storage/database.ts";
import type { MemorySnapshot, Persona } from "./types.ts";

/**
 * Personas and memory snapshots in `<data dir>/codetether.db`, so a restarted serve keeps its lineage
 * and its latest compressed memory. Only the newest `maxSnapshots` snapshots are kept.
 */
export class CognitionStore {
  readonly #db: Database;
  readonly #maxSnapshots: number;

  constructor(dataDir: string, maxSnapshots: number) {
    this.#db = openDatabase(dataDir);
    this.#maxSnapshots = maxSnapshots;
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS cognition_personas (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        persona_id TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS cognition_snapshots (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL
      );`);
  }

  personas(): Persona[] {
    return this.#db
      .prepare("SELECT body FROM cognition_personas ORDER BY position")
      .all()
      .map((row) => JSON.parse((row as { body: string }).body) as Persona);
  }

  savePersonas(personas: Persona[]): void {
    const upsert = this.#db.prepare(
      "INSERT INTO cognition_personas (persona_id, body) VALUES (?, ?) ON CONFLICT(persona_id) DO UPDATE SET body = excluded.body",
    );
    inTransaction(this.#db, () => personas.forEach((p) => upsert.run(p.persona_id, JSON.stringify(p))));
  }

  snapshotCount(): number {
    return (this.#db.prepare("SELECT count(*) AS n FROM cognition_snapshots").get() as { n: number }).n;
  }

  latestSnapshot(): MemorySnapshot | undefined {
    const row = this.#db.prepare("SELECT body FROM cognition_snapshots ORDER BY position DESC LIMIT 1").get() as
      { body: string } | undefined;
    return row ? (JSON.parse(row.body) as MemorySnapshot) : undefined;
  }

  addSnapshot(snapshot: MemorySnapshot): void {
    inTransaction(this.#db, () => {
      this.#db
        .prepare("INSERT INTO cognition_snapshots (id, body) VALUES (?, ?)")
        .run(snapshot.id, JSON.stringify(snapshot));
      this.#db
        .prepare(
          "DELETE FROM cognition_snapshots WHERE position NOT IN (SELECT position FROM cognition_snapshots ORDER BY position DESC LIMIT ?)",
        )
        .run(this.#maxSnapshots);
    });
  }
}
