// A fake Kubernetes API server over real HTTP, faithful to the parts the self-deployment uses:
// Deployments (get, merge-patch), Pods (get, list by label selector), Leases (get, create, update with
// resourceVersion conflicts), Status objects for errors, bearer auth. A tiny "deployment controller"
// keeps each deployment's pods at spec.replicas and replaces them all when the pod template changes.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

type Json = Record<string, any>;

export interface K8sRequest {
  method: string;
  path: string;
  contentType?: string;
  /** The RBAC verb and resource the request needs: e.g. {group: "apps", resource: "deployments", verb: "patch"}. */
  group: string;
  resource: string;
  verb: string;
}

export interface FakeK8s {
  url: string;
  token: string;
  requests: K8sRequest[];
  /** namespace/name → object. */
  deployments: Map<string, Json>;
  pods: Map<string, Json>;
  leases: Map<string, Json>;
  /** While true, requests are taken and never answered (a stuck API server). */
  stalled: boolean;
  addDeployment(namespace: string, name: string, replicas: number): Json;
  podsOf(namespace: string, deployment: string): Json[];
  /** A kubeconfig file (in `dir`) whose current context points at this server. */
  writeKubeconfig(dir: string, namespace?: string): string;
  close(): Promise<void>;
}

const ROUTE =
  /^\/(?:api\/v1|apis\/(apps|coordination\.k8s\.io)\/v1)\/namespaces\/([^/]+)\/(deployments|pods|leases)(?:\/([^/]+))?$/;

export async function startFakeK8s(): Promise<FakeK8s> {
  const token = "fake-k8s-token";
  const requests: K8sRequest[] = [];
  const deployments = new Map<string, Json>();
  const pods = new Map<string, Json>();
  const leases = new Map<string, Json>();
  const stores: Record<string, Map<string, Json>> = { deployments, pods, leases };
  let resourceVersion = 100;
  let podSerial = 0;
  const nextVersion = () => String(++resourceVersion);

  const podsOf = (namespace: string, name: string) =>
    [...pods.values()].filter((p) => p.metadata.namespace === namespace && p.metadata.labels.app === name);

  /** The deployment controller: pods of the current template, spec.replicas of them, ready at once. */
  const syncDeployment = (deployment: Json) => {
    const { namespace, name } = deployment.metadata;
    const hash = templateHash(deployment.spec.template);
    for (const pod of podsOf(namespace, name))
      if (pod.metadata.labels["pod-template-hash"] !== hash) pods.delete(`${namespace}/${pod.metadata.name}`);
    const current = podsOf(namespace, name);
    for (const pod of current.slice(deployment.spec.replicas)) pods.delete(`${namespace}/${pod.metadata.name}`);
    for (let i = current.length; i < deployment.spec.replicas; i++) {
      const podName = `${name}-${hash}-${(++podSerial).toString(36).padStart(5, "x")}`;
      pods.set(`${namespace}/${podName}`, healthyPod(namespace, podName, name, hash, nextVersion()));
    }
    deployment.status = { replicas: deployment.spec.replicas, availableReplicas: podsOf(namespace, name).length };
  };

  const state = { stalled: false };
  const server: Server = createServer(async (req, res) => {
    if (state.stalled) return;
    const send = (code: number, body: Json) => {
      res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    const fail = (code: number, reason: string, message: string) =>
      send(code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
    const url = new URL(req.url ?? "/", "http://fake");
    if (req.headers.authorization !== `Bearer ${token}`) return fail(401, "Unauthorized", "Unauthorized");
    const match = ROUTE.exec(url.pathname);
    if (!match) return fail(404, "NotFound", `the server could not find the requested resource (${url.pathname})`);
    const [, group = "", namespace, resource, name] = match as unknown as [
      string,
      string | undefined,
      string,
      string,
      string?,
    ];
    const verb = verbOf(req.method!, name);
    requests.push({
      method: req.method!,
      path: url.pathname,
      contentType: req.headers["content-type"],
      group,
      resource,
      verb,
    });
    const store = stores[resource]!;
    const key = `${namespace}/${name}`;
    const body = req.method === "GET" ? undefined : await readJson(req);

    if (verb === "list") {
      const selector = parseSelector(url.searchParams.get("labelSelector") ?? "");
      const items = [...store.values()].filter(
        (o) => o.metadata.namespace === namespace && selector.every(([k, v]) => o.metadata.labels?.[k] === v),
      );
      return send(200, {
        kind: listKind(resource),
        apiVersion: apiVersion(group),
        metadata: { resourceVersion: String(resourceVersion) },
        items,
      });
    }
    if (verb === "create") {
      const objectName = body?.metadata?.name;
      if (!objectName) return fail(422, "Invalid", "metadata.name: Required value");
      if (store.has(`${namespace}/${objectName}`))
        return fail(409, "AlreadyExists", `${resource} "${objectName}" already exists`);
      const created = {
        ...body,
        metadata: { ...body.metadata, namespace, resourceVersion: nextVersion(), uid: `uid-${resourceVersion}` },
      };
      store.set(`${namespace}/${objectName}`, created);
      return send(201, created);
    }
    const existing = store.get(key);
    if (!existing) return fail(404, "NotFound", `${resource} "${name}" not found`);
    if (verb === "get") return send(200, existing);
    if (verb === "update") {
      if (body?.metadata?.resourceVersion !== existing.metadata.resourceVersion)
        return fail(
          409,
          "Conflict",
          `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
      const updated = { ...body, metadata: { ...body!.metadata, namespace, resourceVersion: nextVersion() } };
      store.set(key, updated);
      return send(200, updated);
    }
    if (verb === "patch") {
      if (req.headers["content-type"] !== "application/merge-patch+json")
        return fail(
          415,
          "UnsupportedMediaType",
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
        );
      const patched = mergePatch(existing, body) as Json;
      patched.metadata.resourceVersion = nextVersion();
      store.set(key, patched);
      if (resource === "deployments") syncDeployment(patched);
      return send(200, patched);
    }
    return fail(405, "MethodNotAllowed", `${req.method} is not supported`);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;

  return {
    url,
    token,
    get stalled() {
      return state.stalled;
    },
    set stalled(value) {
      state.stalled = value;
    },
    requests,
    deployments,
    pods,
    leases,
    podsOf,
    addDeployment(namespace, name, replicas) {
      const deployment = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace, resourceVersion: nextVersion(), generation: 1 },
        spec: {
          replicas,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: "serve", image: "codetether" }] },
          },
        },
      };
      deployments.set(`${namespace}/${name}`, deployment);
      syncDeployment(deployment);
      return deployment;
    },
    writeKubeconfig(dir, namespace = "default") {
      const path = join(dir, "kubeconfig.yaml");
      writeFileSync(
        path,
        [
          "apiVersion: v1",
          "kind: Config",
          "clusters:",
          // Plain HTTP: the client allows it only with TLS verification off (a real cluster speaks TLS).
          `- name: fake\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true`,
          "users:",
          `- name: fake\n  user:\n    token: ${token}`,
          "contexts:",
          `- name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: ${namespace}`,
          "current-context: fake",
          "",
        ].join("\n"),
      );
      return path;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

function verbOf(method: string, name: string | undefined): string {
  if (method === "GET") return name ? "get" : "list";
  if (method === "POST") return "create";
  if (method === "PUT") return "update";
  if (method === "PATCH") return "patch";
  if (method === "DELETE") return "delete";
  return method.toLowerCase();
}

/** RFC 7386: objects merge key by key, null removes a key, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Json = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A stand-in for the controller's pod-template-hash: any change to the template gives a new one. */
function templateHash(template: unknown): string {
  let hash = 5381;
  for (const char of JSON.stringify(template)) hash = ((hash * 33) ^ char.charCodeAt(0)) >>> 0;
  return hash.toString(36).slice(0, 8);
}

function healthyPod(namespace: string, name: string, app: string, hash: string, resourceVersion: string): Json {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, resourceVersion, labels: { app, "pod-template-hash": hash } },
    status: {
      phase: "Running",
      startTime: new Date().toISOString(),
      conditions: [{ type: "Ready", status: "True" }],
      containerStatuses: [{ name: "serve", ready: true, restartCount: 0, state: { running: {} } }],
    },
  };
}

function parseSelector(selector: string): Array<[string, string]> {
  return selector
    .split(",")
    .filter(Boolean)
    .map((term) => term.split("=") as [string, string]);
}

function listKind(resource: string): string {
  return { deployments: "DeploymentList", pods: "PodList", leases: "LeaseList" }[resource]!;
}

function apiVersion(group: string): string {
  return group ? `${group}/v1` : "v1";
}

async function readJson(req: IncomingMessage): Promise<Json | undefined> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text ? (JSON.parse(text) as Json) : undefined;
}
