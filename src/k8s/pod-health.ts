import type { V1Pod } from "@kubernetes/client-node";

export interface PodHealth {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  healthy: boolean;
  /** Why it is unhealthy. */
  reason?: string;
}

/** Container states a restart of the pod may cure (a crash loop, a failed start) — not a missing image. */
const STUCK_WAITING = new Set(["CrashLoopBackOff", "RunContainerError", "CreateContainerError"]);

/**
 * A pod is unhealthy when it failed or its node lost it, when a container is stuck in a crash loop, or
 * when it has been running longer than `unreadyGraceSecs` without becoming ready. Pending pods and pods
 * being deleted are left alone: the scheduler and the rollout are still at work.
 */
export function podHealth(pod: V1Pod, unreadyGraceSecs: number, now = Date.now()): PodHealth {
  const name = pod.metadata?.name ?? "";
  const phase = pod.status?.phase ?? "Unknown";
  const statuses = pod.status?.containerStatuses ?? [];
  const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
  const restarts = statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
  const base = { name, phase, ready, restarts };
  const unhealthy = (reason: string): PodHealth => ({ ...base, healthy: false, reason });
  if (pod.metadata?.deletionTimestamp) return { ...base, healthy: true };
  if (phase === "Failed" || phase === "Unknown") return unhealthy(`phase ${phase}`);
  const stuck = statuses.find((s) => STUCK_WAITING.has(s.state?.waiting?.reason ?? ""));
  if (stuck) return unhealthy(`container ${stuck.name}: ${stuck.state!.waiting!.reason}`);
  const started = pod.status?.startTime ? new Date(pod.status.startTime).getTime() : now;
  if (phase === "Running" && !ready && now - started > unreadyGraceSecs * 1000)
    return unhealthy(`not ready after ${Math.round((now - started) / 1000)}s`);
  return { ...base, healthy: true };
}
