import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as realGateway from "@ai-sdk/gateway";
import { gatewayOnDemand } from "../../src/provider/gateway-on-demand.ts";

test("the gateway stand-in knows the gateway's errors as the gateway does", () => {
  const standIn = gatewayOnDemand(() => assert.fail("recognising an error loads no gateway"));
  const errors = [
    new realGateway.GatewayAuthenticationError(),
    new realGateway.GatewayRateLimitError(),
    new realGateway.GatewayInternalServerError(),
    new Error("plain"),
    { statusCode: 401 },
    null,
    "text",
  ];
  for (const error of errors) {
    assert.equal(standIn.GatewayError.isInstance(error), realGateway.GatewayError.isInstance(error), String(error));
    assert.equal(
      standIn.GatewayAuthenticationError.isInstance(error),
      realGateway.GatewayAuthenticationError.isInstance(error),
      String(error),
    );
  }
});

test("the gateway stand-in loads the real gateway on first use, once", () => {
  let loads = 0;
  const standIn = gatewayOnDemand(() => (loads++, realGateway));
  assert.equal(loads, 0);
  type Model = { modelId: string; provider: string };
  const gateway = standIn.gateway as unknown as ((id: string) => Model) & { languageModel(id: string): Model };
  const model = gateway("openai/gpt-4o");
  assert.deepEqual([model.modelId, model.provider], ["openai/gpt-4o", "gateway"]);
  assert.equal(gateway.languageModel("anthropic/claude").modelId, "anthropic/claude");
  assert.equal(typeof standIn.createGateway({} as never), "function");
  assert.equal(loads, 1);
});

test("run.cjs holds the stand-in, not the gateway, which is built apart", () => {
  const bundle = (name: string) => readFileSync(new URL(`../../dist/${name}`, import.meta.url), "utf8");
  assert.doesNotMatch(bundle("run.cjs"), /ai-gateway\.vercel\.sh/);
  assert.match(bundle("providers/gateway.cjs"), /ai-gateway\.vercel\.sh/);
});
