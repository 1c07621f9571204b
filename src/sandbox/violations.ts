import type { SandboxViolation, ViolationKind } from "../contracts/command.ts";
import type { SandboxPolicy } from "./policy.ts";

/** What a denied write, connection or allocation prints (shells, coreutils, curl, node, python). */
const SIGNS: Array<[ViolationKind, RegExp]> = [
  ["cpu", /CPU time limit exceeded/],
  ["memory", /Cannot allocate memory|ENOMEM|MemoryError|allocation failed|out of memory|bad_alloc|memory exhausted/i],
  [
    "network",
    /Connection refused|ECONNREFUSED|Couldn't connect to server|Network is unreachable|ENETUNREACH|Could not resolve host|EAI_AGAIN|Temporary failure in name resolution/,
  ],
  ["write", /Read-only file system|EROFS/],
];
/** Enough of the previous chunk that a message split across two chunks is still seen. */
const OVERLAP = 256;
const SIGXCPU_EXIT = 128 + 24;

/** Watches a command's output for the errors the sandbox causes. */
export class ViolationSigns {
  private readonly seen = new Set<ViolationKind>();
  private carry = "";

  constructor(private readonly confined: boolean) {}

  push(chunk: Buffer): void {
    const text = this.carry + chunk.toString("latin1");
    for (const [kind, pattern] of SIGNS) if (pattern.test(text)) this.seen.add(kind);
    this.carry = text.slice(-OVERLAP);
  }

  /**
   * The violation that ended the command, if any. A timeout or the CPU limit (even on a child) always is; the memory,
   * network and write limits are when the command failed and printed the error they cause (network and
   * write only when bubblewrap enforced them).
   */
  classify(
    policy: SandboxPolicy,
    ended: { code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; timeoutMs: number },
  ): SandboxViolation | undefined {
    if (ended.timedOut)
      return violation(
        "timeout",
        `timed out after ${ended.timeoutMs} ms: the command and every process it started were killed (if it needs longer, retry with a larger timeout, up to [sandbox] timeout_secs = ${policy.timeout_secs})`,
      );
    if (ended.signal === "SIGXCPU" || ended.code === SIGXCPU_EXIT || this.seen.has("cpu"))
      return violation(
        "cpu",
        `the command used up its CPU time and was killed ([sandbox] max_cpu_seconds = ${policy.max_cpu_seconds})`,
      );
    if (ended.code === 0) return undefined;
    if (this.seen.has("memory"))
      return violation(
        "memory",
        `the command hit the memory limit ([sandbox] max_memory_mb = ${policy.max_memory_mb})`,
      );
    if (!this.confined) return undefined;
    if (this.seen.has("network") && policy.network === false)
      return violation("network", "commands have no network ([sandbox] network = false): connections fail");
    if (this.seen.has("write"))
      return violation(
        "write",
        policy.mode === "read-only"
          ? 'writing is not allowed: only /tmp is writable ([sandbox] mode = "read-only")'
          : 'writing outside the workspace is not allowed: only the workspace and /tmp are writable ([sandbox] mode = "workspace-write")',
      );
    return undefined;
  }
}

function violation(kind: ViolationKind, message: string): SandboxViolation {
  return { kind, message: `sandbox: ${message}` };
}
