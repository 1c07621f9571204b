// The fake Vault answers like KV v2: envelopes, versions, 403 for a wrong token, 404 for a missing secret.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startVault } from "./vault.ts";
import type { FakeVault } from "./vault.ts";

let vault: FakeVault;
before(async () => {
  vault = await startVault({
    token: "root",
    secrets: { "secret/codetether/providers/openai": { api_key: "sk-test" } },
  });
});
after(() => vault.close());

const get = (path: string, token = "root") => fetch(`${vault.url}/v1/${path}`, { headers: { "X-Vault-Token": token } });
const put = (path: string, body: unknown, method = "POST") =>
  fetch(`${vault.url}/v1/${path}`, {
    method,
    headers: { "X-Vault-Token": "root", "content-type": "application/json" },
    body: JSON.stringify(body),
  });

test("reads a seeded secret in the KV v2 envelope", async () => {
  const res = await get("secret/data/codetether/providers/openai");
  assert.equal(res.status, 200);
  const body = (await res.json()) as { data: { data: unknown; metadata: { version: number; destroyed: boolean } } };
  assert.deepEqual(body.data.data, { api_key: "sk-test" });
  assert.equal(body.data.metadata.version, 1);
  assert.equal(body.data.metadata.destroyed, false);
});

test("a wrong or missing token is denied with 403", async () => {
  const wrong = await get("secret/data/codetether/providers/openai", "nope");
  assert.equal(wrong.status, 403);
  assert.deepEqual(await wrong.json(), { errors: ["permission denied"] });
  const missing = await fetch(`${vault.url}/v1/secret/data/codetether/providers/openai`);
  assert.equal(missing.status, 403);
});

test("a missing secret is 404 with no errors", async () => {
  const res = await get("secret/data/codetether/providers/nothing");
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { errors: [] });
});

test("writes create new versions that reads return; bearer auth works too", async () => {
  const first = await put("secret/data/codetether/providers/anthropic", { data: { api_key: "a1" } });
  assert.equal(first.status, 200);
  assert.equal(((await first.json()) as { data: { version: number } }).data.version, 1);
  const second = await put("secret/data/codetether/providers/anthropic", { data: { api_key: "a2" } }, "PUT");
  assert.equal(((await second.json()) as { data: { version: number } }).data.version, 2);

  const res = await fetch(`${vault.url}/v1/secret/data/codetether/providers/anthropic`, {
    headers: { authorization: "Bearer root" },
  });
  const body = (await res.json()) as { data: { data: unknown; metadata: { version: number } } };
  assert.deepEqual(body.data.data, { api_key: "a2" });
  assert.equal(body.data.metadata.version, 2);
  assert.deepEqual(vault.read("secret/codetether/providers/anthropic"), { api_key: "a2" });
});

test("a write without a data object is rejected with 400", async () => {
  const res = await put("secret/data/x", { api_key: "no envelope" });
  assert.equal(res.status, 400);
});

test("records requests with their token", () => {
  assert.ok(vault.requests.some((r) => r.token === "nope" && r.path === "/v1/secret/data/codetether/providers/openai"));
});
