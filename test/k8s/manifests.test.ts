// The render/lint step for deploy/k8s and the Dockerfile, with no cluster, no Docker and no network:
// every manifest parses, names a kind at the apiVersion clusters serve, and fits the others (selectors,
// service accounts, secrets, ports); containers run as non-root and start real commands with real options.
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { SERVER_NODE_FLAGS } from "../../src/cli/serve/node-flags.ts";
import { assertCliCommandLine } from "../support/cli-command-line.ts";

const DEPLOY = new URL("../../deploy/k8s/", import.meta.url);
const API_VERSIONS: Record<string, string> = {
  Deployment: "apps/v1",
  Service: "v1",
  Secret: "v1",
  ServiceAccount: "v1",
  Role: "rbac.authorization.k8s.io/v1",
  RoleBinding: "rbac.authorization.k8s.io/v1",
};

type Doc = Record<string, any>;

function manifests(): Array<{ file: string; doc: Doc }> {
  const out: Array<{ file: string; doc: Doc }> = [];
  for (const file of readdirSync(DEPLOY)
    .filter((name) => name.endsWith(".yaml"))
    .sort()) {
    for (const parsed of parseAllDocuments(readFileSync(new URL(file, DEPLOY), "utf8"))) {
      assert.deepEqual(parsed.errors, [], `${file} parses`);
      out.push({ file, doc: parsed.toJS() as Doc });
    }
  }
  return out;
}

const all = manifests();
const ofKind = (kind: string) => all.filter(({ doc }) => doc.kind === kind).map(({ doc }) => doc);
const named = (kind: string, name: string) => ofKind(kind).find((doc) => doc.metadata.name === name);

describe("deploy/k8s", () => {
  it("holds the serve and worker Deployments, the Service, RBAC and the token Secret, each at its apiVersion", () => {
    for (const { file, doc } of all) {
      assert.equal(doc.apiVersion, API_VERSIONS[doc.kind], `${file}: ${doc.kind} apiVersion`);
      assert.match(doc.metadata?.name ?? "", /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, `${file}: metadata.name`);
    }
    assert.ok(named("Deployment", "codetether-serve"));
    assert.ok(named("Deployment", "codetether-worker"));
    assert.ok(named("Service", "codetether-serve"));
    assert.ok(named("Secret", "codetether-auth")?.stringData?.token);
  });

  it("binds the Role to the serve's service account; workers get no API token", () => {
    const serve = named("Deployment", "codetether-serve")!.spec.template.spec;
    const binding = ofKind("RoleBinding")[0]!;
    assert.ok(named("ServiceAccount", serve.serviceAccountName));
    assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: serve.serviceAccountName }]);
    assert.ok(named(binding.roleRef.kind, binding.roleRef.name));
    assert.equal(named("Deployment", "codetether-worker")!.spec.template.spec.automountServiceAccountToken, false);
    for (const rule of named("Role", binding.roleRef.name)!.rules)
      assert.ok(!rule.verbs.includes("*") && !rule.resources.includes("*"), "no wildcard grants");
  });

  it("selectors match the pod labels, the Service's ports name container ports, probes and secrets exist", () => {
    const containerPorts = new Set<string>();
    for (const deployment of ofKind("Deployment")) {
      const { template, selector } = deployment.spec;
      for (const [key, value] of Object.entries(selector.matchLabels))
        assert.equal(template.metadata.labels[key], value, `${deployment.metadata.name}: selector ${key}`);
      for (const container of template.spec.containers) {
        const ports = new Set(container.ports.map((p: Doc) => p.name));
        for (const p of ports) containerPorts.add(p as string);
        for (const probe of [container.readinessProbe, container.livenessProbe])
          assert.ok(ports.has(probe.httpGet.port), `${container.name}: probe port ${probe.httpGet.port}`);
        for (const env of container.env ?? []) {
          const ref = env.valueFrom?.secretKeyRef;
          if (ref) assert.ok(named("Secret", ref.name)?.stringData?.[ref.key], `${container.name}: ${env.name}`);
        }
      }
    }
    const service = named("Service", "codetether-serve")!;
    const servePods = named("Deployment", "codetether-serve")!.spec.template.metadata.labels;
    for (const [key, value] of Object.entries(service.spec.selector)) assert.equal(servePods[key], value);
    for (const port of service.spec.ports) assert.ok(containerPorts.has(port.targetPort), port.targetPort);
  });

  it("runs every container as non-root, without privilege escalation or capabilities", () => {
    for (const deployment of ofKind("Deployment")) {
      const pod = deployment.spec.template.spec;
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.notEqual(pod.securityContext.runAsUser, 0);
      for (const container of pod.containers) {
        assert.equal(container.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"]);
      }
    }
  });

  it("starts commands and options the CLI has", () => {
    for (const deployment of ofKind("Deployment"))
      for (const container of deployment.spec.template.spec.containers)
        assertCliCommandLine(container.args, container.name);
  });

  it("runs serve scaled out: two replicas on PostgreSQL (URL from a Secret) and NATS, ready on /health", () => {
    const deployment = named("Deployment", "codetether-serve")!;
    assert.equal(deployment.spec.replicas, 2);
    const serve = deployment.spec.template.spec.containers[0];
    const env = Object.fromEntries(serve.env.map((e: Doc) => [e.name, e]));
    const ref = env.CODETETHER_DATABASE_URL.valueFrom.secretKeyRef;
    assert.match(named("Secret", ref.name)!.stringData[ref.key], /^postgres:\/\//);
    assert.match(env.CODETETHER_BUS_URL.value, /^nats:\/\//);
    // The card names the Service (its HTTP port at the public URL, gRPC on serve's), not a pod's own address.
    const service = named("Service", "codetether-serve")!;
    const publicUrl = new URL(env.CODETETHER_PUBLIC_URL.value);
    assert.equal(publicUrl.hostname, service.metadata.name);
    const port = (name: string) => String(service.spec.ports.find((p: Doc) => p.name === name).port);
    assert.equal(publicUrl.port, port("http"));
    assert.equal(serve.args[serve.args.indexOf("--grpc-port") + 1], port("grpc"));
    assert.equal(serve.readinessProbe.httpGet.path, "/health");
  });
});

describe("Dockerfile", () => {
  const lines = readFileSync(new URL("../../Dockerfile", import.meta.url), "utf8")
    .split("\n")
    .filter((line) => /^[A-Z]+\s/.test(line));
  const finalStage = lines.slice(lines.findLastIndex((line) => line.startsWith("FROM ")));

  it("runs the final image as a non-root user, on Node 20, starting bin/codetether with serve's node flags", () => {
    assert.match(finalStage[0]!, /^FROM node:20[-\w.]*\s*$/);
    const user = finalStage.findLast((line) => line.startsWith("USER "))?.split(/\s+/)[1];
    assert.ok(user && !["root", "0"].includes(user.split(":")[0]!), `final USER is ${user}`);
    const entrypoint = finalStage.find((line) => line.startsWith("ENTRYPOINT "))!;
    assert.deepEqual(JSON.parse(entrypoint.slice("ENTRYPOINT ".length)), [
      "node",
      ...SERVER_NODE_FLAGS,
      "/app/bin/codetether",
    ]);
    assert.ok(finalStage.some((line) => /^COPY --from=build \/app\/dist /.test(line)));
  });
});
