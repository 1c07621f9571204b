import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidArgumentError } from "commander";
import { parsePort } from "../../src/cli/option-parsers.ts";
import { grpcPortFromEnv } from "../../src/cli/serve/server-process.ts";
import { UserError } from "../../src/contracts/errors.ts";

test("--port takes 0–65535 and refuses anything else with commander's usage error", () => {
  assert.equal(parsePort("0"), 0);
  assert.equal(parsePort("65535"), 65535);
  for (const bad of ["-1", "65536", "8.5", "http"])
    assert.throws(
      () => parsePort(bad),
      (error: Error) =>
        error instanceof InvalidArgumentError && error.message === `must be a port number (0-65535), got '${bad}'`,
    );
});

test("CODETETHER_GRPC_PORT: the fallback when unset, the port when valid, a one-line error otherwise", () => {
  const saved = process.env.CODETETHER_GRPC_PORT;
  try {
    delete process.env.CODETETHER_GRPC_PORT;
    assert.equal(grpcPortFromEnv(50051), 50051);
    process.env.CODETETHER_GRPC_PORT = "0";
    assert.equal(grpcPortFromEnv(50051), 0);
    process.env.CODETETHER_GRPC_PORT = "70000";
    assert.throws(
      () => grpcPortFromEnv(50051),
      (error: Error) =>
        error instanceof UserError &&
        error.message === "CODETETHER_GRPC_PORT must be a port number (0-65535), got '70000'",
    );
  } finally {
    if (saved === undefined) delete process.env.CODETETHER_GRPC_PORT;
    else process.env.CODETETHER_GRPC_PORT = saved;
  }
});
