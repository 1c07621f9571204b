import { randomUUID } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { holdOrRefuse } from "../storage/exclusive-lock.ts";
import { privateDir } from "../storage/private-files.ts";
import { join } from "node:path";

interface SavedState {
  worker_id: string;
  cursor: number;
}

/**
 * What a worker keeps across restarts, in `<data dir>/worker/<name>.json`: its id (so serve recognises
 * it) and the task-stream cursor (so a restarted worker resumes where it left off instead of replaying).
 */
export class WorkerState {
  readonly path: string;
  readonly workerId: string;
  #cursor: number;
  readonly #lock: () => void;

  constructor(dataDir: string, name: string, explicitId?: string) {
    const dir = join(dataDir, "worker");
    const file = name.replace(/[^\w.-]+/g, "_");
    // Two processes with one state would be one worker id: both would run every task it claims. The lock
    // is held until the process ends (kept referenced: a collected handle would let it go).
    this.#lock = holdOrRefuse(
      dir,
      file,
      `another codetether worker named '${name}' is using the data directory ${dataDir}; give this one its own --name or CODETETHER_DATA_DIR`,
    );
    this.path = join(dir, `${file}.json`);
    const saved = readSaved(this.path);
    this.workerId = explicitId ?? saved?.worker_id ?? randomUUID();
    this.#cursor = saved?.worker_id === this.workerId ? saved.cursor : 0;
    privateDir(dir);
    this.#write();
  }

  /** Lets another process take this worker's state (after the worker stopped). */
  release(): void {
    this.#lock();
  }

  get cursor(): number {
    return this.#cursor;
  }

  set cursor(value: number) {
    if (value === this.#cursor) return;
    this.#cursor = value;
    this.#write();
  }

  #write(): void {
    // Write-then-rename: a crash leaves the old cursor or the new one, never half a file.
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ worker_id: this.workerId, cursor: this.#cursor } satisfies SavedState), {
      mode: 0o600,
    });
    renameSync(temp, this.path);
  }
}

function readSaved(path: string): SavedState | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<SavedState>;
    if (typeof parsed.worker_id === "string" && Number.isInteger(parsed.cursor)) return parsed as SavedState;
  } catch {
    // Missing or unreadable: start fresh (a new id, the stream from the beginning).
  }
  return undefined;
}
