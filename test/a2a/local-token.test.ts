// `a2a send` to a serve on this machine finds the token serve generated in `<data dir>/auth-token`.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { runCli } from "../support/cli.ts";
import { startServe, type ServeProcess } from "./serve-process.ts";

let fake: FakeModel;
let serve: ServeProcess;
before(async () => {
  fake = await startFakeModel();
  serve = await startServe({ fake, env: { CODETETHER_AUTH_TOKEN: "" } });
});
after(async () => {
  await serve.stop();
  await fake.close();
  serve.sandbox.cleanup();
});

test("a2a send to a local serve uses <data dir>/auth-token when no token is given", async () => {
  assert.ok(serve.endpoints.tokenFile, "serve generated its token into the data dir");
  fake.push("Local answer.");
  const r = await runCli(serve.sandbox, ["a2a", "send", serve.endpoints.http, "hi"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "Local answer.");
  const wrong = await runCli(serve.sandbox, ["a2a", "send", serve.endpoints.http, "hi", "--token", "nope"]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /^codetether: send failed: .*(401|unauth)/im);
});
