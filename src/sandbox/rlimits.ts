import type { SandboxPolicy } from "./policy.ts";

/**
 * `argv` started by a shell that first sets the policy's memory limit (the data segment: what malloc and
 * JS heaps take, not reserved address space) and CPU-seconds limit, hard so the command cannot raise
 * them. The CPU hard limit is a second past the soft one so the kernel sends SIGXCPU (named in the
 * output) before SIGKILL. A limit already lower stays (ulimit refuses to raise it; that is silenced).
 */
export function withLimits(policy: SandboxPolicy, argv: string[]): string[] {
  const cpu = policy.max_cpu_seconds;
  const limits = [`-d ${policy.max_memory_mb * 1024}`, `-S -t ${cpu}`, `-H -t ${cpu + 1}`]
    .map((limit) => `ulimit ${limit} 2>/dev/null`)
    .join("; ");
  return ["bash", "-c", `${limits}; exec "$@"`, "bash", ...argv];
}
