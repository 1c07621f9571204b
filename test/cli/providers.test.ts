import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { startFakeModel, type FakeModel, type FormatName } from "../support/fake-model.ts";
import { fakeProviderToml, makeSandbox, runCli, type Sandbox } from "../support/cli.ts";
import { startVault, type FakeVault } from "../support/vault.ts";

let fake: FakeModel;
let sandbox: Sandbox;

beforeEach(async () => {
  fake = await startFakeModel();
  sandbox = makeSandbox();
});
afterEach(async () => {
  await fake.close();
  sandbox.cleanup();
});

const providers: Array<{ id: "openai" | "anthropic" | "google"; env: string; format: FormatName; path: RegExp }> = [
  { id: "openai", env: "OPENAI_API_KEY", format: "openai-responses", path: /^\/v1\/responses/ },
  { id: "anthropic", env: "ANTHROPIC_API_KEY", format: "anthropic", path: /^\/v1\/messages/ },
  {
    id: "google",
    env: "GEMINI_API_KEY",
    format: "gemini",
    path: /^\/v1beta\/models\/gemini-2\.5-pro:streamGenerateContent/,
  },
];

for (const p of providers) {
  test(`${p.id}: a tool-using task works over its own wire format with its default model`, async () => {
    sandbox.writeConfig(fakeProviderToml(fake.url, p.id));
    fake.push([{ tool: "write_file", input: { path: "out.txt", content: p.id } }], `done via ${p.id}`);
    const r = await runCli(sandbox, ["run", "-m", p.id, "write out.txt"], { env: { [p.env]: "test-key" } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `done via ${p.id}`);
    assert.equal(readFileSync(join(sandbox.workspace, "out.txt"), "utf8"), p.id);
    assert.equal(fake.requests.length, 2);
    for (const req of fake.requests) {
      assert.equal(req.format, p.format);
      assert.match(req.path, p.path);
      assert.ok(req.stream);
    }
  });
}

/**
 * A reasoning model's answer, then `run -c`: the continued run's request (its earlier turns are the first
 * run's, as stored). `extraToml` is appended to the provider's config.
 */
async function continuedRequest(provider: "openai" | "anthropic", keyVariable: string, extraToml = "") {
  sandbox.writeConfig(`${fakeProviderToml(fake.url, provider)}${extraToml}`);
  fake.push([{ reasoning: "thinking it over" }, { text: "the first answer" }], "the second answer");
  const env = { [keyVariable]: "k" };
  assert.equal((await runCli(sandbox, ["run", "-m", provider, "the first prompt"], { env })).code, 0);
  const r = await runCli(sandbox, ["run", "-m", provider, "-c", "the second prompt"], { env });
  assert.equal(r.code, 0, r.stderr);
  return fake.requests[1]!;
}

test("openai: run -c sends the earlier turns themselves, not item references a stateless server cannot resolve", async () => {
  // gpt-5 reasons before it answers: the SDK refers back to such an answer by its item ids when storing.
  const continued = await continuedRequest("openai", "OPENAI_API_KEY");
  assert.deepEqual(continued.prompt.users, ["the first prompt", "the second prompt"]);
  const input = JSON.stringify(continued.body.input);
  assert.match(input, /the first answer/);
  assert.doesNotMatch(input, /item_reference/);
  assert.equal(continued.body.store, false);
});

test("anthropic: run -c sends the earlier thinking back with its signature (the step keeps provider metadata)", async () => {
  const messages = (await continuedRequest("anthropic", "ANTHROPIC_API_KEY")).body.messages as Array<{
    role: string;
    content: unknown;
  }>;
  const assistant = messages.find((m) => m.role === "assistant");
  assert.ok(Array.isArray(assistant?.content), JSON.stringify(messages));
  const thinking = (assistant.content as Array<Record<string, unknown>>).find((part) => part.type === "thinking");
  assert.equal(thinking?.thinking, "thinking it over");
  assert.equal(typeof thinking?.signature, "string");
  assert.ok((thinking.signature as string).length > 0);
});

test("openai: [providers.openai] store = true keeps responses on the server and refers back to them", async () => {
  const input = (await continuedRequest("openai", "OPENAI_API_KEY", "store = true\n")).body.input as Array<{
    type?: string;
  }>;
  assert.ok(
    input.some((item) => item.type === "item_reference"),
    JSON.stringify(input),
  );
});

test("the key is read from the provider's environment variable and sent to the provider", async () => {
  sandbox.writeConfig(fakeProviderToml(fake.url, "anthropic"));
  fake.push("ok");
  await runCli(sandbox, ["run", "-m", "anthropic/claude-sonnet-4-20250514", "hi"], {
    env: { ANTHROPIC_API_KEY: "sk-ant-env" },
  });
  assert.equal(fake.requests[0]!.headers["x-api-key"], "sk-ant-env");
});

test("without -m, the first provider with a key is used; CODETETHER_DISABLE_ENV_FALLBACK ignores env keys", async () => {
  sandbox.writeConfig(fakeProviderToml(fake.url, "openai"));
  fake.push("ok");
  const r = await runCli(sandbox, ["run", "hi"], { env: { OPENAI_API_KEY: "k" } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fake.requests[0]!.model, "gpt-5");
  const off = await runCli(sandbox, ["run", "-m", "openai", "hi"], {
    env: { OPENAI_API_KEY: "k", CODETETHER_DISABLE_ENV_FALLBACK: "1" },
  });
  assert.equal(off.code, 2);
  assert.match(off.stderr, /no API key for provider 'openai'/);
});

test("a missing key names the variable to set", async () => {
  const r = await runCli(sandbox, ["run", "-m", "zai", "hi"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no API key for provider 'zai': set ZAI_API_KEY/);
});

test("an unknown provider is one line naming each known provider once (a built-in's own table included)", async () => {
  sandbox.writeConfig(`${fakeProviderToml(fake.url, "openai")}${fakeProviderToml(fake.url)}`);
  const r = await runCli(sandbox, ["run", "-m", "nope/x", "hi"]);
  assert.equal(r.code, 1);
  const known = /^codetether: unknown provider 'nope' in model 'nope\/x' \(known: (.*)\)$/.exec(r.stderr.trim())?.[1];
  assert.ok(known, r.stderr);
  const names = known.split(", ");
  assert.deepEqual(names, [...new Set(names)]);
  assert.ok(names.includes("openai") && names.includes("fake"), known);
});

test("a custom provider without a key (local server) works, and api_key_env is honoured", async () => {
  sandbox.writeConfig(`${fakeProviderToml(fake.url)}api_key_env = "MY_LOCAL_KEY"\n`);
  fake.push("local ok", "local ok again");
  assert.equal((await runCli(sandbox, ["run", "-m", "fake", "hi"])).stdout.trim(), "local ok");
  await runCli(sandbox, ["run", "-m", "fake", "hi"], { env: { MY_LOCAL_KEY: "secret-local" } });
  assert.equal(fake.requests[1]!.headers.authorization, "Bearer secret-local");
});

test.describe("vault", () => {
  let vault: FakeVault;
  beforeEach(async () => {
    vault = await startVault({
      token: "root-token",
      secrets: {
        "secret/codetether/providers/openai": { api_key: "sk-from-vault" },
        "kv/team/anthropic": { api_key: "sk-ant-vault", base_url: `${fake.url}/v1` },
      },
    });
  });
  afterEach(() => vault.close());

  test("keys come from Vault KV v2 before the environment", async () => {
    sandbox.writeConfig(fakeProviderToml(fake.url, "openai"));
    fake.push("ok");
    const r = await runCli(sandbox, ["run", "-m", "openai", "hi"], {
      env: { VAULT_ADDR: vault.url, VAULT_TOKEN: "root-token", OPENAI_API_KEY: "sk-env" },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.requests[0]!.headers.authorization, "Bearer sk-from-vault");
  });

  test("VAULT_MOUNT and VAULT_SECRETS_PATH choose the secret; its base_url is used", async () => {
    fake.push("ok");
    const env = { VAULT_ADDR: vault.url, VAULT_TOKEN: "root-token", VAULT_MOUNT: "kv", VAULT_SECRETS_PATH: "team" };
    const r = await runCli(sandbox, ["run", "-m", "anthropic", "hi"], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.requests[0]!.headers["x-api-key"], "sk-ant-vault");
  });

  test("a wrong token, a missing secret and an unreachable Vault are clear errors naming the path", async () => {
    const denied = await runCli(sandbox, ["run", "-m", "openai", "hi"], {
      env: { VAULT_ADDR: vault.url, VAULT_TOKEN: "wrong" },
    });
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /vault denied access to secret\/codetether\/providers\/openai \(403\)/);
    const missing = await runCli(sandbox, ["run", "-m", "zai", "hi"], {
      env: { VAULT_ADDR: vault.url, VAULT_TOKEN: "root-token", CODETETHER_DISABLE_ENV_FALLBACK: "1" },
    });
    assert.match(missing.stderr, /no api_key in vault secret secret\/codetether\/providers\/zai/);
    const down = await runCli(sandbox, ["run", "-m", "openai", "hi"], {
      env: { VAULT_ADDR: "http://127.0.0.1:9", VAULT_TOKEN: "t" },
    });
    assert.match(
      down.stderr,
      /vault unreachable at http:\/\/127\.0\.0\.1:9 reading secret\/codetether\/providers\/openai/,
    );
  });
});
