// Serve's Kubernetes self-deployment, through a real `codetether serve` process talking to the fake
// API server of test/support/fake-k8s.ts over HTTP (a kubeconfig points at it).
import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { startFakeK8s, type FakeK8s } from "../support/fake-k8s.ts";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { bodyOf, startServe, TOKEN, waitFor, type ServeProcess } from "../a2a/serve-process.ts";

const NAMESPACE = "agents";
const DEPLOYMENT = "codetether-serve";
const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

describe("k8s self-deployment", () => {
  let k8s: FakeK8s;
  let fake: FakeModel;
  const serves: ServeProcess[] = [];
  let kubeDir = "";
  let kubeconfig = "";
  let firstServePod = "";

  /** A serve that believes it runs as `podName` of the deployment (loop interval `intervalSecs`). */
  const serveAs = async (podName: string, intervalSecs = 3600) => {
    const serve = await startServe({
      fake,
      env: { POD_NAME: podName },
      toml: `[k8s]\nkubeconfig = "${kubeconfig}"\nreconcile_interval_secs = ${intervalSecs}\nrestart_cooldown_secs = 0\n`,
    });
    serves.push(serve);
    return serve;
  };
  const call = (serve: ServeProcess, method: string, path: string, body?: unknown) =>
    fetch(`${serve.endpoints.http}/v1/k8s${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const firstPod = () => k8s.podsOf(NAMESPACE, DEPLOYMENT)[0]!.metadata.name as string;
  const restartedAt = () =>
    k8s.deployments.get(`${NAMESPACE}/${DEPLOYMENT}`)!.spec.template.metadata.annotations?.[
      "codetether.run/restartedAt"
    ];

  before(async () => {
    k8s = await startFakeK8s();
    fake = await startFakeModel();
    k8s.addDeployment(NAMESPACE, DEPLOYMENT, 2);
    kubeDir = mkdtempSync(join(tmpdir(), "codetether-k8s-"));
    kubeconfig = k8s.writeKubeconfig(kubeDir, NAMESPACE);
  });
  after(async () => {
    for (const serve of serves) {
      await serve.stop();
      serve.sandbox.cleanup();
    }
    await fake.close();
    await k8s.close();
    rmSync(kubeDir, { recursive: true, force: true });
  });

  it("reports its namespace, pod and deployment (derived from its own pod) with the replica counts", async () => {
    firstServePod = firstPod();
    const serve = await serveAs(firstServePod);
    const res = await call(serve, "GET", "/status");
    assert.equal(res.status, 200);
    assert.deepEqual(await bodyOf(res), {
      in_cluster: true,
      namespace: NAMESPACE,
      pod_name: firstServePod,
      deployment_name: DEPLOYMENT,
      replicas: 2,
      available_replicas: 2,
    });
  });

  it("scales the deployment with a JSON merge patch, audited as k8s.scale; bad counts are a 400", async () => {
    const serve = serves[0]!;
    const res = await call(serve, "POST", "/scale", { replicas: 3 });
    const body = await bodyOf(res);
    assert.equal(res.status, 200);
    assert.equal(body.action, "scale");
    assert.equal(body.success, true);
    assert.match(body.message, /scaled to 3 replicas/);
    assert.ok(!Number.isNaN(Date.parse(body.timestamp)));
    const patch = k8s.requests.find((r) => r.verb === "patch" && r.resource === "deployments")!;
    assert.equal(patch.contentType, "application/merge-patch+json");
    assert.equal(k8s.deployments.get(`${NAMESPACE}/${DEPLOYMENT}`)!.spec.replicas, 3);
    const status = await bodyOf(await call(serve, "GET", "/status"));
    assert.equal(status.replicas, 3);
    assert.equal(status.available_replicas, 3);

    for (const bad of [{ replicas: -1 }, { replicas: 1.5 }, { replicas: "3" }, {}, { replicas: 1000 }]) {
      const refused = await call(serve, "POST", "/scale", bad);
      assert.equal(refused.status, 400, JSON.stringify(bad));
      assert.match((await bodyOf(refused)).error.message, /replicas/);
    }
    // The audit index is written in the next batch: the record may reach the query a moment after the answer.
    const audit = await waitFor(async () => {
      const found = await bodyOf(
        await fetch(`${serve.endpoints.http}/v1/audit/query`, {
          method: "POST",
          headers,
          body: JSON.stringify({ action: "k8s.scale" }),
        }),
      );
      return found.events.length > 0 ? found : undefined;
    }, "the k8s.scale audit record");
    assert.equal(audit.events.length, 1);
    assert.equal(audit.events[0].resource, `deployment/${NAMESPACE}/${DEPLOYMENT}`);
    assert.equal(audit.events[0].status, "success");
    assert.match(audit.events[0].actor, /^token:/);
  });

  it("checks the pods' health, then a reconcile takes the Lease and rolls the deployment with unhealthy pods", async () => {
    const serve = serves[0]!;
    const healthy = await bodyOf(await call(serve, "POST", "/health"));
    assert.equal(healthy.success, true);
    assert.equal(healthy.pods.length, 3);
    assert.match(healthy.message, /all 3 pods healthy/);

    const sick = k8s.podsOf(NAMESPACE, DEPLOYMENT)[1]!;
    sick.status.containerStatuses[0].state = { waiting: { reason: "CrashLoopBackOff" } };
    sick.status.conditions = [{ type: "Ready", status: "False" }];
    const health = await bodyOf(await call(serve, "POST", "/health"));
    assert.equal(health.success, false);
    assert.deepEqual(
      health.pods.filter((p: any) => !p.healthy).map((p: any) => [p.name, p.reason]),
      [[sick.metadata.name, "container serve: CrashLoopBackOff"]],
    );

    const res = await call(serve, "POST", "/reconcile");
    const report = await bodyOf(res);
    assert.equal(res.status, 200);
    assert.equal(report.action, "reconcile");
    assert.equal(report.restarted, true);
    assert.deepEqual(report.unhealthy_pods, [sick.metadata.name]);
    assert.ok(restartedAt(), "the pod template carries codetether.run/restartedAt");
    const lease = k8s.leases.get(`${NAMESPACE}/${DEPLOYMENT}-reconciler`)!;
    assert.equal(lease.spec.holderIdentity, firstServePod);
    // The fake's controller rolled every pod; the new ones are healthy, so the next reconcile does nothing.
    assert.ok(!k8s.pods.has(`${NAMESPACE}/${sick.metadata.name}`));
    const again = await bodyOf(await call(serve, "POST", "/reconcile"));
    assert.equal(again.restarted, false);
    assert.match(again.message, /all 3 pods healthy/);
  });

  it("the loop: only the replica holding the Lease restarts; the other one stands by", async () => {
    // A second replica whose loop runs every 200 ms; the first (whose loop waits an hour) holds the Lease.
    const [sick, other] = k8s.podsOf(NAMESPACE, DEPLOYMENT);
    const second = await serveAs(other!.metadata.name, 0.2);
    sick!.status.phase = "Failed";
    const before = restartedAt();
    const res = await bodyOf(await call(second, "POST", "/reconcile"));
    assert.equal(res.restarted, false);
    assert.match(res.message, /holds the reconcile lease/);
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(restartedAt(), before, "the replica without the Lease never restarts");

    // The holder's lease lapses (as when its pod dies): the second replica's loop takes over and acts.
    const lease = k8s.leases.get(`${NAMESPACE}/${DEPLOYMENT}-reconciler`)!;
    lease.spec.renewTime = "2000-01-01T00:00:00.000000Z";
    await waitFor(() => (restartedAt() !== before ? true : undefined), "the loop's rolling restart");
    assert.equal(k8s.leases.get(`${NAMESPACE}/${DEPLOYMENT}-reconciler`)!.spec.holderIdentity, other!.metadata.name);
    // The patch is seen before the loop's turn has written its record: wait for the record, then check
    // that the standby's many idle turns left none. (A second record could only come after this one.)
    const audit = await waitFor(async () => {
      const found = await bodyOf(
        await fetch(`${second.endpoints.http}/v1/audit/query`, {
          method: "POST",
          headers,
          body: JSON.stringify({ action: "k8s.reconcile", actor: "serve" }),
        }),
      );
      return found.events.length ? found : undefined;
    }, "the loop's audit record");
    assert.equal(audit.events.length, 1);
    assert.match(audit.events[0].details.message, /rolling restart/);
  });

  it("a stuck API server answers 502 after [k8s] api_timeout_secs, not a request that hangs", async () => {
    const serve = await startServe({
      fake,
      env: { POD_NAME: firstPod() },
      toml: `[k8s]\nkubeconfig = "${kubeconfig}"\nreconcile_interval_secs = 3600\napi_timeout_secs = 1\n`,
    });
    serves.push(serve);
    k8s.stalled = true;
    try {
      const started = Date.now();
      const response = await call(serve, "POST", "/scale", { replicas: 2 });
      assert.equal(response.status, 502);
      assert.match((await bodyOf(response)).error.message, /the Kubernetes API did not answer within 1 s/);
      assert.ok(Date.now() - started < 5_000);
    } finally {
      k8s.stalled = false;
    }
  });

  it("makes no call the shipped Role does not grant", () => {
    const docs = parseAllDocuments(readFileSync(new URL("../../deploy/k8s/rbac.yaml", import.meta.url), "utf8"));
    const role = docs.map((d) => d.toJS()).find((d) => d.kind === "Role");
    const granted = new Set<string>();
    for (const rule of role.rules)
      for (const group of rule.apiGroups)
        for (const resource of rule.resources)
          for (const verb of rule.verbs) granted.add(`${group}/${resource}/${verb}`);
    const used = new Set(k8s.requests.map((r) => `${r.group}/${r.resource}/${r.verb}`));
    for (const call of used) assert.ok(granted.has(call), `the Role lacks ${call}`);
    assert.deepEqual([...granted].sort(), [...used].sort(), "the Role grants only what serve uses");
  });
});

describe("k8s endpoints outside a cluster", () => {
  let fake: FakeModel;
  let serve: ServeProcess;
  before(async () => {
    fake = await startFakeModel();
    serve = await startServe({ fake }); // the test sandbox drops KUBERNETES_* from the environment
  });
  after(async () => {
    await serve.stop();
    serve.sandbox.cleanup();
    await fake.close();
  });

  it("answers status {in_cluster: false} and 409 to actions; all of it behind the token", async () => {
    const call = (method: string, path: string, auth = true) =>
      fetch(`${serve.endpoints.http}/v1/k8s${path}`, {
        method,
        headers: auth ? headers : { "content-type": "application/json" },
        body: method === "POST" ? JSON.stringify({ replicas: 1 }) : undefined,
      });
    assert.deepEqual(await bodyOf(await call("GET", "/status")), { in_cluster: false });
    for (const path of ["/scale", "/health", "/reconcile"]) {
      const res = await call("POST", path);
      assert.equal(res.status, 409);
      assert.match((await bodyOf(res)).error.message, /not running in a Kubernetes cluster/);
    }
    assert.equal((await call("GET", "/status", false)).status, 401);
  });
});
