import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { configSchema } from "../../src/config/schema.ts";
import { parsePrd } from "../../src/ralph/prd.ts";
import { runVerificationSteps } from "../../src/ralph/verification.ts";
import { Sandbox } from "../../src/sandbox/runner.ts";

let root: string;
let url: string;
const server = createServer((req, res) => {
  if (req.url === "/health") return void res.end("status: ok");
  res.writeHead(404).end("nope");
});

before(async () => {
  root = mkdtempSync(join(tmpdir(), "codetether-verify-"));
  mkdirSync(join(root, "pkg", "dist"), { recursive: true });
  writeFileSync(join(root, "pkg", "dist", "out.js"), "");
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.close();
  rmSync(root, { recursive: true, force: true });
});

/** Steps as a PRD holds them (defaults applied by the schema), run from `root` through the real sandbox. */
async function verify(steps: unknown[]) {
  const prd = parsePrd({
    project: "p",
    feature: "f",
    branch_name: "b",
    user_stories: [{ id: "US-001", title: "t", verification_steps: steps }],
  });
  const runner = new Sandbox({ config: configSchema.parse({}), dataDir: join(root, "data"), onWarning: () => {} });
  const check = { runner, root, signal: new AbortController().signal, sessionId: "test" };
  return runVerificationSteps(prd.user_stories[0]!.verification_steps, check);
}

test("shell steps run from their cwd and check their output and the files they leave", async () => {
  const passed = await verify([
    {
      type: "shell",
      command: "pwd && echo built",
      cwd: "pkg",
      expect_output_contains: ["pkg", "built"],
      expect_files_glob: ["pkg/dist/*.js"],
    },
  ]);
  assert.deepEqual(
    passed.map((r) => [r.passed, r.detail]),
    [[true, ""]],
  );
  const [lacking] = await verify([
    { type: "shell", name: "greets", command: "echo hi", expect_output_contains: ["bye"] },
  ]);
  assert.equal(lacking!.name, "greets");
  assert.match(lacking!.detail, /^output of echo hi lacks "bye"\nhi/);
  const [noFiles] = await verify([{ type: "shell", command: "true", expect_files_glob: ["**/*.wasm"] }]);
  assert.equal(noFiles!.detail, "no file matches **/*.wasm");
  const [outside] = await verify([{ type: "shell", command: "true", cwd: "../.." }]);
  assert.equal(outside!.detail, "cwd ../.. is outside the project");
  const [exit] = await verify([{ type: "shell", command: "echo oops >&2; exit 3" }]);
  assert.equal(exit!.detail, "echo oops >&2; exit 3: exit code 3\noops");
});

test("file_exists takes a path or a glob; steps stop at the first failure", async () => {
  const results = await verify([
    { type: "file_exists", path: "pkg/dist/out.js" },
    { type: "file_exists", glob: "pkg/**/*.map" },
    { type: "file_exists", path: "never-checked" },
  ]);
  assert.deepEqual(
    results.map((r) => [r.passed, r.detail]),
    [
      [true, ""],
      [false, "no file matches pkg/**/*.map"],
    ],
  );
});

test("url steps check the status and the body", async () => {
  const results = await verify([{ type: "url", url: `${url}/health`, expect_body_contains: ["ok"] }]);
  assert.equal(results[0]!.passed, true);
  const [status] = await verify([{ type: "url", url: `${url}/missing` }]);
  assert.equal(status!.detail, `GET ${url}/missing: status 404, expected 200`);
  const [body] = await verify([{ type: "url", url: `${url}/health`, expect_body_contains: ["ready"] }]);
  assert.equal(body!.detail, `GET ${url}/health: body lacks "ready"`);
  // A port nothing listens on any more.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const [down] = await verify([{ type: "url", url: `http://127.0.0.1:${port}/`, timeout_secs: 2 }]);
  assert.match(down!.detail, /: fetch failed \(connect ECONNREFUSED/);
});

test("a file_exists step without path or glob is refused by the schema", () => {
  assert.throws(
    () =>
      parsePrd({
        project: "p",
        feature: "f",
        branch_name: "b",
        user_stories: [{ id: "US-001", title: "t", verification_steps: [{ type: "file_exists" }] }],
      }),
    /user_stories\[0\]\.verification_steps\[0\]: file_exists needs a path or a glob/,
  );
});
