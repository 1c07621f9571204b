import { createHash } from "node:crypto";
import type { AuditKey } from "./audit-key.ts";

export interface AuditCorrelation {
  session_id: string | null;
  okr_id: string | null;
  okr_run_id: string | null;
  relay_id: string | null;
}

/**
 * One audit record as stored. `hash` seals every other field, `prev_hash` links it to the record before.
 * A keyed record names its key (`key_id`) and its `hash` is an HMAC only the key holder can compute; a
 * legacy record (written before keys) has no `key_id` and a plain SHA-256 anyone can recompute.
 */
export interface AuditRecord extends AuditCorrelation {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  resource: string;
  status: string;
  details: unknown;
  prev_hash: string;
  key_id?: string;
  /** The serve replica that wrote it (its lease id), only when replicas share a database; sealed like the rest. */
  replica_id?: string;
  hash: string;
}

export type AuditInput = Pick<AuditRecord, "actor" | "action" | "resource" | "status"> &
  Partial<AuditCorrelation> & { details?: unknown; ts?: string };

/** The `prev_hash` of the first record. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * Keys sorted at every level, so the same record always has the same bytes: the stored line is the
 * canonical form, and any byte edited in it changes either the canonical form or the hash.
 */
export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value && typeof value === "object") return sortKeys(value as Record<string, unknown>, canonicalize);
  return value;
}

/** The object with its own keys in sorted order, each value passed through `each`. */
function sortKeys(object: Record<string, unknown>, each: (inner: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(object)
      .sort()
      .map((key) => [key, each(object[key])]),
  );
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value));
}

/**
 * The seal of the record's canonical bytes, leaving out only its own `hash`: HMAC-SHA256 under `key`
 * for a keyed record, SHA-256 for a legacy one.
 */
export function hashRecord(record: Omit<AuditRecord, "hash"> | AuditRecord, key?: AuditKey): string {
  const { hash: _ignored, ...body } = record as AuditRecord;
  return hashBytes(canonicalJson(body), body.key_id, key);
}

function hashBytes(bytes: string, keyId: string | undefined, key?: AuditKey): string {
  if (keyId === undefined) return createHash("sha256").update(bytes).digest("hex");
  if (!key) throw new Error("a keyed audit record needs the audit key");
  return key.mac(bytes);
}

/** Builds the next link of the chain, keyed and in canonical key order, ready to append. */
export function sealRecord(
  input: AuditInput,
  previous: { seq: number; hash: string },
  key: AuditKey,
  replicaId?: string,
): AuditRecord {
  const body: Omit<AuditRecord, "hash"> = {
    seq: previous.seq + 1,
    ts: input.ts ?? new Date().toISOString(),
    actor: input.actor,
    action: input.action,
    resource: input.resource,
    status: input.status,
    session_id: input.session_id ?? null,
    okr_id: input.okr_id ?? null,
    okr_run_id: input.okr_run_id ?? null,
    relay_id: input.relay_id ?? null,
    details: input.details ?? null,
    prev_hash: previous.hash,
    key_id: key.id,
    ...(replicaId === undefined ? {} : { replica_id: replicaId }),
  };
  // Canonicalized once: its bytes are hashed, and only the top level is sorted again to take the hash.
  const canonical = canonicalize(body) as Omit<AuditRecord, "hash">;
  const hash = hashBytes(JSON.stringify(canonical), canonical.key_id, key);
  return sortKeys({ ...canonical, hash }, (inner) => inner) as unknown as AuditRecord;
}
