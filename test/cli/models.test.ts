// `codetether models`: what a user can pass to -m, custom providers listed from their /models endpoint.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { makeSandbox, runCli, type Sandbox } from "../support/cli.ts";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";

let fake: FakeModel;
let sandbox: Sandbox;
before(async () => {
  fake = await startFakeModel([], { models: ["fake-large", "fake-model"] });
  sandbox = makeSandbox();
  sandbox.writeConfig(
    `[default]\nmodel = "fake/fake-large"\n` +
      `[providers.fake]\ntype = "openai-compatible"\nbase_url = "${fake.url}/v1"\nmodel = "fake-model"\napi_key_env = "FAKE_KEY"\n` +
      `[providers.down]\ntype = "openai-compatible"\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "local-one"\n`,
  );
});
after(async () => {
  await fake.close();
  sandbox.cleanup();
});

const models = (...args: string[]) =>
  runCli(sandbox, ["models", ...args], { env: { FAKE_KEY: "k-123", ANTHROPIC_API_KEY: "a-key" } });

test("models lists providers with a key or a config table: custom ones from /models, the default marked", async () => {
  const r = await models();
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^anthropic \(key: env:ANTHROPIC_API_KEY\)$/m);
  assert.match(r.stdout, /^ {2}anthropic\/\S+ {2}\d+k ctx · \$[\d.]+\/\$[\d.]+ per M$/m);
  assert.doesNotMatch(r.stdout, /^moonshotai/m, "a provider without a key is left out");
  assert.match(
    r.stdout,
    new RegExp(
      `^fake \\(custom · ${fake.url}/v1 · key: env:FAKE_KEY\\)\\n● fake/fake-large\\n {2}fake/fake-model\\n`,
      "m",
    ),
  );
  const listing = fake.listings.find((q) => q.path === "/v1/models")!;
  assert.equal(listing.headers.authorization, "Bearer k-123");
  assert.match(
    r.stdout,
    /^down \(custom · http:\/\/127\.0\.0\.1:9\/v1 · no key\)\n {2}cannot list http:\/\/127\.0\.0\.1:9\/v1\/models: ECONNREFUSED\n {2}down\/local-one$/m,
  );
});

test("models --json, a filter, and --all", async () => {
  const json = JSON.parse((await models("--json")).stdout) as Array<{
    provider: string;
    models: Array<{ ref: string; default: boolean }>;
  }>;
  const custom = json.find((p) => p.provider === "fake")!;
  assert.deepEqual(custom.models, [
    { ref: "fake/fake-large", default: true },
    { ref: "fake/fake-model", default: false },
  ]);
  const filtered = await models("large");
  assert.equal(filtered.stdout.trim(), `fake (custom · ${fake.url}/v1 · key: env:FAKE_KEY)\n● fake/fake-large`);
  assert.match((await models("kimi")).stdout, /^no model matches 'kimi' \(--all lists providers without a key too\)$/m);
  assert.match((await models("kimi", "--all")).stdout, /^moonshotai \(no key\)\n {2}moonshotai\/kimi/m);
});

test("a base_url's password and query key are never printed by models or doctor", async () => {
  const own = makeSandbox();
  try {
    own.writeConfig(
      `[providers.gated]\ntype = "openai-compatible"\nmodel = "m1"\n` +
        `base_url = "http://user:PASSW0RD@127.0.0.1:9/v1?api-version=QUERYKEY7"\n`,
    );
    for (const args of [["models"], ["models", "--json"], ["doctor"], ["doctor", "--json"]]) {
      const r = await runCli(own, args);
      assert.match(r.stdout, /127\.0\.0\.1:9\/v1/, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.doesNotMatch(r.stdout + r.stderr, /PASSW0RD|QUERYKEY7/, args.join(" "));
    }
    // No [default]: the model a run would use (the first custom provider's) is the one marked.
    const listed = JSON.parse((await runCli(own, ["models", "--json"])).stdout);
    assert.deepEqual(listed.find((p: { provider: string }) => p.provider === "gated").models, [
      { ref: "gated/m1", default: true },
    ]);
  } finally {
    own.cleanup();
  }
});
