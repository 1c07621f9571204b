import assert from "node:assert/strict";
import { test } from "node:test";
import { configSchema } from "../../src/config/schema.ts";
import { storageSection } from "../../src/postgres/config.ts";

const config = (storage?: unknown) => ({ ...configSchema.parse({}), ...(storage ? { storage } : {}) });

test("[storage]: SQLite unless a postgres URL is configured; CODETETHER_DATABASE_URL wins", () => {
  assert.deepEqual(storageSection(config(), {}), { url: undefined, lease_secs: 30, timeout_secs: 15 });
  const configured = config({ url: "postgres://app@db:5432/ct", lease_secs: 5, timeout_secs: 2 });
  assert.deepEqual(storageSection(configured, {}), {
    url: "postgres://app@db:5432/ct",
    lease_secs: 5,
    timeout_secs: 2,
  });
  assert.equal(
    storageSection(configured, { CODETETHER_DATABASE_URL: " postgresql://env@db/ct " }).url,
    "postgresql://env@db/ct",
  );
  assert.equal(storageSection(configured, { CODETETHER_DATABASE_URL: "" }).url, "postgres://app@db:5432/ct");
});

test("[storage]: bad values are one line naming the key, never echoing the URL", () => {
  assert.throws(
    () => storageSection(config({ url: "mysql://root:hunter2@db/x" }), {}),
    (error: Error) =>
      error.message === "invalid config [storage]: 'storage.url': must start with postgres:// or postgresql://",
  );
  assert.throws(
    () => storageSection(config({ ulr: "postgres://db/x" }), {}),
    /unknown key 'storage.ulr' \(did you mean 'storage.url'\?\)/,
  );
  assert.throws(() => storageSection(config({ lease_secs: 0 }), {}), /'storage.lease_secs'/);
  assert.throws(() => storageSection(config({ timeout_secs: 0 }), {}), /'storage.timeout_secs'/);
  assert.throws(
    () => storageSection(config(), { CODETETHER_DATABASE_URL: "mysql://root:hunter2@db/x" }),
    (error: Error) => /^invalid CODETETHER_DATABASE_URL: /.test(error.message) && !error.message.includes("hunter2"),
  );
});
