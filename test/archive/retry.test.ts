import assert from "node:assert/strict";
import { test } from "node:test";
import { isRetryableS3Error, withRetry } from "../../src/archive/retry.ts";

const httpError = (status: number, name = "Error") =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

test("retries transient failures until one succeeds", async () => {
  let calls = 0;
  const result = await withRetry(
    async () => {
      calls++;
      if (calls < 3) throw calls === 1 ? httpError(503) : Object.assign(new Error("reset"), { code: "ECONNRESET" });
      return "ok";
    },
    { baseMs: 1 },
  );
  assert.deepEqual([result, calls], ["ok", 3]);
});

test("gives up after the last attempt, and at once on a non-retryable answer", async () => {
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw httpError(500);
      },
      { attempts: 4, baseMs: 1 },
    ),
  );
  assert.equal(calls, 4);
  calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw httpError(403, "AccessDenied");
      },
      { baseMs: 1 },
    ),
  );
  assert.equal(calls, 1);
});

test("classifies S3 errors", () => {
  assert.equal(isRetryableS3Error(httpError(429)), true);
  assert.equal(isRetryableS3Error(httpError(404, "NoSuchKey")), false);
  assert.equal(isRetryableS3Error(httpError(400, "RequestTimeout")), true);
  assert.equal(isRetryableS3Error(new Error("archived object is corrupt")), false);
});
