import { canonicalJson } from "./audit-record.ts";
import type { AuditKey } from "./audit-key.ts";

/**
 * What a writer vouches for: its stream `writer` (slot name) held record `seq` sealed as `hash` at `time`.
 * With `pruned_through`: record `seq` was the last of segment `pruned_through`, and `[logs]` retention
 * removed segments 1..pruned_through, so the chain now starts after `hash`.
 */
export interface HeadBody {
  writer: string;
  seq: number;
  hash: string;
  time: string;
  pruned_through?: number;
}

/** A head signed with the audit key's Ed25519 key; `key_id` only names the key, the signature covers the body. */
export interface SignedHead extends HeadBody {
  key_id: string;
  sig: string;
}

export function signHead(key: AuditKey, at: Omit<HeadBody, "time">, time = new Date()): SignedHead {
  const body = headBody({ ...at, time: time.toISOString() });
  return { ...body, key_id: key.id, sig: key.sign(canonicalJson(body)) };
}

/** Exactly the signed fields (`pruned_through` only where there is one). */
function headBody(head: HeadBody): HeadBody {
  const body: HeadBody = { writer: head.writer, seq: head.seq, hash: head.hash, time: head.time };
  return head.pruned_through === undefined ? body : { ...body, pruned_through: head.pruned_through };
}

/** Why `value` is not a head signed by `key`, or undefined when it is one. */
export function headProblem(key: AuditKey, value: unknown): string | undefined {
  const head = value as Partial<SignedHead> | null;
  if (
    !head ||
    typeof head.writer !== "string" ||
    !Number.isInteger(head.seq) ||
    typeof head.hash !== "string" ||
    typeof head.time !== "string" ||
    typeof head.sig !== "string" ||
    (head.pruned_through !== undefined && !(Number.isInteger(head.pruned_through) && head.pruned_through > 0))
  )
    return "is not a signed head";
  if (head.key_id !== key.id) return `is signed with audit key ${String(head.key_id)}, not with this key ${key.id}`;
  return key.verify(canonicalJson(headBody(head as SignedHead)), head.sig)
    ? undefined
    : "has a signature that does not verify (forged or edited)";
}

/**
 * The heads in a JSON-lines text (a heads file, the writers registry, a head copied out). A last line
 * without its newline is a write cut short by a crash and is skipped; any other line that does not
 * parse is reported.
 */
export function parseHeads(text: string): { heads: unknown[]; bad: number[] } {
  const lines = text.split("\n");
  const torn = lines.pop() ?? "";
  const heads: unknown[] = [];
  const bad: number[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      heads.push(JSON.parse(line));
    } catch {
      bad.push(i + 1);
    }
  });
  if (torn.trim()) {
    try {
      heads.push(JSON.parse(torn)); // a file written by hand may lack its final newline
    } catch {
      // the torn tail of a crashed append
    }
  }
  return { heads, bad };
}
