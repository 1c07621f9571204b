import { hostname } from "node:os";
import type { V1Deployment } from "@kubernetes/client-node";
import type { AuditInput } from "../audit/audit-record.ts";
import { connectCluster, describeApiError, type Cluster } from "./cluster.ts";
import type { K8sSection } from "./config.ts";
import { acquireLease } from "./lease.ts";
import { podHealth, type PodHealth } from "./pod-health.ts";

/** The pod-template annotation whose change rolls a deployment's pods (as `kubectl rollout restart` does). */
const RESTARTED_AT = "codetether.run/restartedAt";

export interface K8sStatus {
  in_cluster: boolean;
  namespace?: string;
  pod_name?: string;
  deployment_name?: string;
  replicas?: number;
  available_replicas?: number;
}

export interface K8sAction {
  action: "scale" | "health" | "reconcile";
  success: boolean;
  message: string;
  timestamp: string;
}

export interface HealthReport extends K8sAction {
  pods: PodHealth[];
}

export interface ReconcileReport extends K8sAction {
  restarted: boolean;
  unhealthy_pods: string[];
  lease_holder?: string;
}

/** A request the cluster cannot serve as asked: the HTTP layer answers it with this status. */
export class K8sRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Options {
  section: K8sSection;
  audit: (input: AuditInput) => void;
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * Serve managing its own Deployment: status, scale, the pods' health, and a reconcile loop that rolls
 * the deployment when pods are unhealthy. Only the replica holding the Lease reconciles.
 */
export class SelfDeployment {
  private timer?: NodeJS.Timeout;
  private deploymentName?: Promise<string | undefined>;
  private ticking = false;

  private constructor(
    private readonly cluster: Cluster,
    private readonly options: Options,
    readonly podName: string | undefined,
  ) {}

  /** Undefined outside a cluster (no KUBERNETES_SERVICE_HOST, no `[k8s] kubeconfig`). */
  static async open(options: Options): Promise<SelfDeployment | undefined> {
    const env = options.env ?? process.env;
    const cluster = await connectCluster(options.section, env);
    if (!cluster) return undefined;
    const podName = env.POD_NAME || (env.KUBERNETES_SERVICE_HOST ? env.HOSTNAME || hostname() : undefined);
    return new SelfDeployment(cluster, options, podName);
  }

  /** Runs the reconcile loop every `reconcile_interval_secs` until `close`. */
  startLoop(): void {
    this.timer = setInterval(() => void this.tick(), this.options.section.reconcile_interval_secs * 1000);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  async status(): Promise<K8sStatus> {
    const base = { in_cluster: true, namespace: this.cluster.namespace, pod_name: this.podName };
    const name = await this.resolveDeployment();
    if (!name) return base;
    const deployment = await this.call(() => this.cluster.readDeployment(name));
    return {
      ...base,
      deployment_name: name,
      replicas: deployment.spec?.replicas ?? 1,
      available_replicas: deployment.status?.availableReplicas ?? 0,
    };
  }

  async scale(replicas: number, actor: string): Promise<K8sAction> {
    const name = await this.requireDeployment();
    return this.audited(actor, "scale", name, async () => {
      await this.call(() => this.cluster.mergePatchDeployment(name, { spec: { replicas } }));
      return { success: true, message: `deployment ${name} scaled to ${replicas} replicas` };
    });
  }

  async health(actor: string): Promise<HealthReport> {
    const name = await this.requireDeployment();
    return this.audited(actor, "health", name, async () => {
      const { pods } = await this.inspect(name);
      const sick = pods.filter((pod) => !pod.healthy);
      const message = sick.length
        ? `${sick.length} of ${pods.length} pods unhealthy: ${sick.map((p) => `${p.name} (${p.reason})`).join(", ")}`
        : `all ${pods.length} pods healthy`;
      return { success: sick.length === 0, message, pods };
    });
  }

  /**
   * Rolls the deployment when pods are unhealthy — if this replica holds the Lease, and the last restart
   * is older than the cool-down (a rollout in progress has unready pods of its own).
   */
  async reconcile(actor: string, options: { quietWhenIdle?: boolean } = {}): Promise<ReconcileReport> {
    const name = await this.requireDeployment();
    const worthAuditing = (report: Omit<ReconcileReport, "action" | "timestamp">) =>
      !options.quietWhenIdle || report.restarted || !report.success;
    return this.audited(actor, "reconcile", name, () => this.reconcileDeployment(name), worthAuditing);
  }

  private async reconcileDeployment(name: string): Promise<Omit<ReconcileReport, "action" | "timestamp">> {
    const { section } = this.options;
    const holder = this.podName ?? hostname();
    const leaseSecs = Math.max(15, section.reconcile_interval_secs * 2);
    const lease = await this.call(() => acquireLease(this.cluster, `${name}-reconciler`, holder, leaseSecs));
    if (!lease.held)
      return {
        success: true,
        restarted: false,
        unhealthy_pods: [],
        lease_holder: lease.holder,
        message: `${lease.holder} holds the reconcile lease of ${name}; it reconciles`,
      };
    const { deployment, pods } = await this.inspect(name);
    const unhealthy = pods.filter((pod) => !pod.healthy).map((pod) => pod.name);
    const outcome = { unhealthy_pods: unhealthy, lease_holder: holder };
    if (!unhealthy.length)
      return { ...outcome, success: true, restarted: false, message: `all ${pods.length} pods healthy` };
    const last = deployment.spec?.template?.metadata?.annotations?.[RESTARTED_AT];
    if (last && Date.now() - new Date(last).getTime() < section.restart_cooldown_secs * 1000)
      return {
        ...outcome,
        success: true,
        restarted: false,
        message: `${unhealthy.length} pods unhealthy; the restart of ${last} is still within its cool-down`,
      };
    const restartedAt = new Date().toISOString();
    const patch = { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: restartedAt } } } } };
    await this.call(() => this.cluster.mergePatchDeployment(name, patch));
    return {
      ...outcome,
      success: true,
      restarted: true,
      message: `rolling restart of ${name}: ${unhealthy.length} pods unhealthy (${unhealthy.join(", ")})`,
    };
  }

  /** One loop turn: quiet when nothing happens (no audit record every 30 s), audited and logged when it acts or fails. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const report = await this.reconcile("serve", { quietWhenIdle: true });
      if (report.restarted) this.options.log(`k8s: ${report.message}`);
    } catch (error) {
      this.options.log(`k8s: reconcile failed: ${(error as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  private async inspect(name: string): Promise<{ deployment: V1Deployment; pods: PodHealth[] }> {
    const deployment = await this.call(() => this.cluster.readDeployment(name));
    const labels = deployment.spec?.selector?.matchLabels ?? {};
    const selector = Object.entries(labels)
      .map(([key, value]) => `${key}=${value}`)
      .join(",");
    if (!selector) throw new K8sRequestError(409, `deployment ${name} has no matchLabels selector`);
    const pods = await this.call(() => this.cluster.listPods(selector));
    return { deployment, pods: pods.map((pod) => podHealth(pod, this.options.section.unready_grace_secs)) };
  }

  /** Runs an action and audits it (`k8s.<action>`; a success only when `worthAuditing`), failed ones always. */
  private async audited<T extends { success: boolean; message: string }>(
    actor: string,
    action: K8sAction["action"],
    deployment: string,
    run: () => Promise<T>,
    worthAuditing: (result: T) => boolean = () => true,
  ): Promise<T & Pick<K8sAction, "action" | "timestamp">> {
    const resource = `deployment/${this.cluster.namespace}/${deployment}`;
    try {
      const result = await run();
      const record = { action, timestamp: new Date().toISOString(), ...result };
      if (worthAuditing(result))
        this.options.audit({
          actor,
          action: `k8s.${action}`,
          resource,
          status: result.success ? "success" : "failure",
          details: { message: result.message },
        });
      return record;
    } catch (error) {
      this.options.audit({
        actor,
        action: `k8s.${action}`,
        resource,
        status: "error",
        details: { message: (error as Error).message },
      });
      throw error;
    }
  }

  /** `[k8s] deployment`, else the Deployment owning this pod (its name minus the pod-template-hash suffix). */
  private resolveDeployment(): Promise<string | undefined> {
    this.deploymentName ??= (async () => {
      if (this.options.section.deployment) return this.options.section.deployment;
      if (!this.podName) return undefined;
      const pod = await this.call(() => this.cluster.readPod(this.podName!));
      const hash = pod.metadata?.labels?.["pod-template-hash"];
      const suffix = hash && `-${hash}-`;
      return suffix && this.podName.includes(suffix)
        ? this.podName.slice(0, this.podName.lastIndexOf(suffix))
        : undefined;
    })();
    // A failed lookup (API down) is retried on the next call.
    this.deploymentName.catch(() => (this.deploymentName = undefined));
    return this.deploymentName;
  }

  private async requireDeployment(): Promise<string> {
    const name = await this.resolveDeployment();
    if (name) return name;
    throw new K8sRequestError(
      409,
      "cannot tell which Deployment this serve belongs to: set [k8s] deployment (or POD_NAME to a pod of it)",
    );
  }

  /** An API failure becomes a 502 with the API server's message. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof K8sRequestError) throw error;
      throw new K8sRequestError(502, describeApiError(error));
    }
  }
}
