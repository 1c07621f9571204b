import assert from "node:assert/strict";
import { test } from "node:test";
import { Client, credentials, Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { LegacyA2AService } from "@a2a-js/sdk/compat/v0_3/server/grpc";
import { A2AService } from "@a2a-js/sdk/server/grpc";
import { bodyOf, useServe, TOKEN } from "../a2a/serve-process.ts";

const running = useServe();

const BAD_CREDENTIALS: Array<[string, string | undefined]> = [
  ["no token", undefined],
  ["wrong token", "Bearer not-the-token"],
  ["wrong scheme", `Basic ${TOKEN}`],
  ["token without scheme", TOKEN],
];

const JSON_BODY = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tasks/get", params: { id: "x" } });
const PROTECTED_ROUTES: Array<[method: string, path: string, body?: string]> = [
  ["POST", "/a2a", JSON_BODY],
  ["GET", "/a2a"],
  ["POST", "/a2a/rest/message:send", "{}"],
  ["POST", "/a2a/rest/message:stream", "{}"],
  ["GET", "/a2a/rest/tasks"],
  ["GET", "/a2a/rest/tasks/x"],
  ["POST", "/a2a/rest/tasks/x:cancel"],
  ["POST", "/a2a/rest/tasks/x:subscribe"],
  ["GET", "/a2a/rest/tasks/x:subscribe"],
  ["POST", "/a2a/rest/tasks/x/pushNotificationConfigs", "{}"],
  ["GET", "/a2a/rest/tasks/x/pushNotificationConfigs"],
  ["GET", "/a2a/rest/tasks/x/pushNotificationConfigs/c"],
  ["DELETE", "/a2a/rest/tasks/x/pushNotificationConfigs/c"],
  ["GET", "/a2a/rest/extendedAgentCard"],
  ["POST", "/a2a/rest/v1/message:send", "{}"],
  ["GET", "/a2a/rest/v1/tasks/x"],
  ["GET", "/a2a/rest/v1/card"],
  ["GET", "/no/such/route"],
  ["GET", "/.well-known/other.json"],
];

for (const [method, path, body] of PROTECTED_ROUTES) {
  for (const [label, authorization] of BAD_CREDENTIALS) {
    test(`${method} ${path} with ${label} → 401`, async () => {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (authorization) headers.authorization = authorization;
      const res = await fetch(`${running.serve.endpoints.http}${path}`, { method, headers, body });
      assert.equal(res.status, 401);
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
      assert.equal((await bodyOf(res)).error.status, "UNAUTHENTICATED");
    });
  }
}

test("with the token, protected routes answer (not 401)", async () => {
  const res = await fetch(`${running.serve.endpoints.http}/a2a/rest/tasks/nope`, {
    headers: { authorization: `Bearer ${TOKEN}`, "a2a-version": "1.0" },
  });
  assert.equal(res.status, 404);
  assert.equal((await bodyOf(res)).error.status, "NOT_FOUND");
  const scheme = await fetch(`${running.serve.endpoints.http}/a2a/rest/tasks/nope`, {
    headers: { authorization: `bearer ${TOKEN}`, "a2a-version": "1.0" },
  });
  assert.equal(scheme.status, 404, "the scheme is case-insensitive");
});

for (const path of ["/health", "/.well-known/agent-card.json", "/.well-known/agent.json"]) {
  test(`${path} answers without a token`, async () => {
    const res = await fetch(`${running.serve.endpoints.http}${path}`);
    assert.equal(res.status, 200);
    const body = await bodyOf(res);
    if (path === "/health") assert.deepEqual(body, { status: "ok", version: "0.1.0" });
    else assert.equal(body.name, "CodeTether Agent");
  });
}

const GRPC_SERVICES = [
  ["1.0", A2AService],
  ["0.3", LegacyA2AService],
] as const;

function callGrpc(
  path: string,
  streaming: boolean,
  metadata: Metadata,
  request = Buffer.alloc(0),
): Promise<ServiceError | undefined> {
  const client = new Client(running.serve.endpoints.grpc, credentials.createInsecure());
  const raw = (value: Buffer) => value;
  return new Promise((resolve) => {
    const done = (error: ServiceError | null) => {
      client.close();
      resolve(error ?? undefined);
    };
    if (!streaming) return void client.makeUnaryRequest(path, raw, raw, request, metadata, (error) => done(error));
    const call = client.makeServerStreamRequest(path, raw, raw, request, metadata);
    call.on("data", () => {});
    call.on("error", (error: ServiceError) => done(error));
    call.on("end", () => done(null));
  });
}

for (const [version, service] of GRPC_SERVICES) {
  for (const [method, definition] of Object.entries(service)) {
    for (const [label, authorization] of BAD_CREDENTIALS) {
      test(`gRPC ${version} ${method} with ${label} → UNAUTHENTICATED`, async () => {
        const metadata = new Metadata();
        if (authorization) metadata.set("authorization", authorization);
        const error = await callGrpc(definition.path, definition.responseStream, metadata);
        assert.equal(error?.code, status.UNAUTHENTICATED, `${definition.path}: ${error?.message}`);
      });
    }
  }
}

for (const version of ["1.0", "1.0.1"]) {
  test(`gRPC with the token reaches the handler at A2A-Version ${version} (GetTask of an unknown id → NOT_FOUND)`, async () => {
    const metadata = new Metadata();
    metadata.set("authorization", `Bearer ${TOKEN}`);
    metadata.set("a2a-version", version); // a patch number is not negotiated (spec §3.6)
    const request = A2AService.getTask.requestSerialize({ tenant: "", id: "nope", historyLength: undefined });
    const error = await callGrpc(A2AService.getTask.path, false, metadata, request);
    assert.equal(error?.code, status.NOT_FOUND, error?.message);
  });
}

test("every gRPC call is in the audit trail, refused ones too: RPC path, status and caller, never the token", async () => {
  const request = A2AService.getTask.requestSerialize({ tenant: "", id: "audited", historyLength: undefined });
  const refused = new Metadata();
  refused.set("authorization", "Bearer wrong-token-value");
  assert.equal((await callGrpc(A2AService.getTask.path, false, refused, request))?.code, status.UNAUTHENTICATED);
  const allowed = new Metadata();
  allowed.set("authorization", `Bearer ${TOKEN}`);
  allowed.set("a2a-version", "1.0");
  assert.equal((await callGrpc(A2AService.getTask.path, false, allowed, request))?.code, status.NOT_FOUND);

  const query = async () => {
    const res = await fetch(`${running.serve.endpoints.http}/v1/audit/query`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ action: "api.grpc", resource: A2AService.getTask.path }),
    });
    return (await bodyOf(res)).events as Array<{ actor: string; status: string }>;
  };
  // Audit records are appended in the background (group commit): wait until both calls are in.
  const has = (code: number) => records.some((r) => r.status === String(code));
  let records = await query();
  for (let i = 0; i < 100 && !(has(status.UNAUTHENTICATED) && has(status.NOT_FOUND)); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    records = await query();
  }
  const refusedRecord = records.findLast((r) => r.status === String(status.UNAUTHENTICATED));
  const allowedRecord = records.findLast((r) => r.status === String(status.NOT_FOUND));
  assert.match(refusedRecord?.actor ?? "", /^peer:/);
  assert.match(allowedRecord?.actor ?? "", /^token:[0-9a-f]{12}$/);
  assert.ok(!JSON.stringify(records).includes(TOKEN) && !JSON.stringify(records).includes("wrong-token-value"));
});
