import { existsSync, readFileSync } from "node:fs";
import type { V1Deployment, V1Lease, V1Pod } from "@kubernetes/client-node";
import type { K8sSection } from "./config.ts";
import { UserError } from "../contracts/errors.ts";

/** Where an in-cluster pod finds its namespace (the service account token and CA sit beside it). */
const SERVICE_ACCOUNT_NAMESPACE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

/** The calls the self-deployment makes, and nothing else: deploy/k8s/rbac.yaml grants exactly these. */
export interface Cluster {
  namespace: string;
  readDeployment(name: string): Promise<V1Deployment>;
  /** A JSON merge patch (RFC 7386), as `kubectl patch --type merge` sends. */
  mergePatchDeployment(name: string, patch: object): Promise<V1Deployment>;
  readPod(name: string): Promise<V1Pod>;
  listPods(labelSelector: string): Promise<V1Pod[]>;
  /** The Lease, or undefined when there is none yet. */
  readLease(name: string): Promise<V1Lease | undefined>;
  createLease(lease: V1Lease): Promise<V1Lease>;
  /** Replaces the Lease; fails with 409 when `lease.metadata.resourceVersion` is no longer the current one. */
  replaceLease(lease: V1Lease): Promise<V1Lease>;
}

/**
 * The cluster this serve runs in (KUBERNETES_SERVICE_HOST: the pod's service account), or the one `[k8s]
 * kubeconfig` names; undefined outside a cluster. The client library is loaded only then.
 */
export async function connectCluster(section: K8sSection, env = process.env): Promise<Cluster | undefined> {
  const inCluster = Boolean(env.KUBERNETES_SERVICE_HOST);
  if (!inCluster && !section.kubeconfig) return undefined;
  const k8s = await import("@kubernetes/client-node");
  const kubeConfig = new k8s.KubeConfig();
  try {
    if (section.kubeconfig) kubeConfig.loadFromFile(section.kubeconfig);
    else kubeConfig.loadFromCluster();
  } catch (error) {
    const source = section.kubeconfig ? `[k8s] kubeconfig ${section.kubeconfig}` : "the in-cluster service account";
    throw new UserError(`cannot load ${source}: ${(error as Error).message}`);
  }
  const namespace =
    section.namespace ??
    env.POD_NAMESPACE ??
    (inCluster && existsSync(SERVICE_ACCOUNT_NAMESPACE)
      ? readFileSync(SERVICE_ACCOUNT_NAMESPACE, "utf8").trim()
      : undefined) ??
    kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ??
    "default";
  const apps = kubeConfig.makeApiClient(k8s.AppsV1Api);
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const coordination = kubeConfig.makeApiClient(k8s.CoordinationV1Api);
  const mergePatch = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
  // A stuck API server must not hang a request, nor the reconcile loop waiting on it.
  const bounded = withTimeout(section.api_timeout_secs);
  return {
    namespace,
    readDeployment: (name) => bounded(apps.readNamespacedDeployment({ name, namespace })),
    mergePatchDeployment: (name, body) =>
      bounded(apps.patchNamespacedDeployment({ name, namespace, body }, mergePatch)),
    readPod: (name) => bounded(core.readNamespacedPod({ name, namespace })),
    listPods: async (labelSelector) => (await bounded(core.listNamespacedPod({ namespace, labelSelector }))).items,
    readLease: (name) =>
      bounded(coordination.readNamespacedLease({ name, namespace })).catch((error: unknown) => {
        if (statusCodeOf(error) === 404) return undefined;
        throw error;
      }),
    createLease: (body) => bounded(coordination.createNamespacedLease({ namespace, body })),
    replaceLease: (body) =>
      bounded(coordination.replaceNamespacedLease({ name: body.metadata!.name!, namespace, body })),
  };
}

/** An API call bounded by `seconds` ([k8s] api_timeout_secs). */
function withTimeout(seconds: number) {
  return <T>(call: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the Kubernetes API did not answer within ${seconds} s`)),
        seconds * 1000,
      );
    });
    return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
  };
}

/** The HTTP status of a failed API call (the client's ApiException carries it as `code`). */
export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "number" ? code : undefined;
}

/** One line for a failed API call: the API server's own message (a Status object), not the client's dump. */
export function describeApiError(error: unknown): string {
  const code = statusCodeOf(error);
  if (code === undefined) return (error as Error).message ?? String(error);
  const body = (error as { body?: unknown }).body;
  let message: string | undefined;
  try {
    message = (typeof body === "string" ? JSON.parse(body) : body)?.message;
  } catch {
    // not a Status object
  }
  return `Kubernetes API answered ${code}${message ? `: ${message}` : ""}`;
}
