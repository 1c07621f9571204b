import type { V1Lease } from "@kubernetes/client-node";
import { statusCodeOf, type Cluster } from "./cluster.ts";

export interface LeaseOutcome {
  held: boolean;
  /** Who holds it (this replica when `held`). */
  holder: string;
}

/**
 * Takes or renews the coordination.k8s.io Lease `name` for `holder`: created when missing, renewed when
 * ours, taken over when its holder let it expire. Writes carry the resourceVersion read, so when two
 * replicas race the API server lets one win (409 for the other): only one replica acts at a time.
 */
export async function acquireLease(
  cluster: Cluster,
  name: string,
  holder: string,
  durationSecs: number,
  now = new Date(),
): Promise<LeaseOutcome> {
  const renewTime = microTime(now);
  const spec = { holderIdentity: holder, leaseDurationSeconds: Math.ceil(durationSecs), renewTime };
  const current = await cluster.readLease(name);
  try {
    if (!current) {
      await cluster.createLease({
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name, namespace: cluster.namespace },
        spec: { ...spec, acquireTime: renewTime, leaseTransitions: 0 },
      });
      return { held: true, holder };
    }
    const currentHolder = current.spec?.holderIdentity ?? "";
    if (currentHolder && currentHolder !== holder && !expired(current, now))
      return { held: false, holder: currentHolder };
    const takeover = currentHolder !== holder;
    await cluster.replaceLease({
      ...current,
      spec: {
        ...current.spec,
        ...spec,
        ...(takeover && { acquireTime: renewTime, leaseTransitions: (current.spec?.leaseTransitions ?? 0) + 1 }),
      },
    });
    return { held: true, holder };
  } catch (error) {
    // Another replica wrote first (create: 409 AlreadyExists; replace: 409 Conflict on resourceVersion).
    if (statusCodeOf(error) === 409) {
      const winner = await cluster.readLease(name);
      return { held: false, holder: winner?.spec?.holderIdentity ?? "another replica" };
    }
    throw error;
  }
}

function expired(lease: V1Lease, now: Date): boolean {
  const renewed = lease.spec?.renewTime ?? lease.spec?.acquireTime;
  if (!renewed) return true;
  const durationMs = (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
  return new Date(renewed).getTime() + durationMs < now.getTime();
}

/**
 * A MicroTime as the API server parses it (RFC 3339 with exactly 6 fractional digits). The client passes
 * the value through as it is, so the string goes where its types say Date.
 */
function microTime(date: Date): Date {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z") as unknown as Date;
}
