import assert from "node:assert/strict";
import { test } from "node:test";
import { newReplicaId, serveAgentId } from "../../src/app/serve/replica-identity.ts";
import { configSchema } from "../../src/config/schema.ts";

const sqlite = configSchema.parse({});
const postgres = { ...sqlite, storage: { url: "postgres://postgres@127.0.0.1:5432/test" } };

test("serve is the agent `serve` alone on its data dir, and `serve-<8 hex digits of its replica id>` as a replica", () => {
  assert.equal(newReplicaId(sqlite, {}), undefined);
  assert.equal(serveAgentId(newReplicaId(sqlite, {})), "serve");
  const a = newReplicaId(postgres, {})!;
  const b = newReplicaId(sqlite, { CODETETHER_DATABASE_URL: "postgresql://db/codetether" })!;
  assert.match(a, /^[0-9a-f-]{36}$/);
  assert.notEqual(a, b);
  assert.equal(serveAgentId("0b6f3c1e-5d2a-4e8f-9a47-2c1d3e4f5a6b"), "serve-0b6f3c1e");
  assert.notEqual(serveAgentId(a), serveAgentId(b));
});
