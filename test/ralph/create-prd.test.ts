import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, useFakeModelSandbox } from "../support/cli.ts";
import { readJson } from "./fixture.ts";

const t = useFakeModelSandbox({ configure: true });

const fixtures: Record<string, { files: Record<string, string>; checks: Record<string, string> }> = {
  node: {
    files: {
      "package.json": JSON.stringify({
        scripts: { test: "node --test", lint: "eslint .", build: "tsc", start: "node ." },
      }),
    },
    checks: { lint: "npm run lint", test: "npm run test", build: "npm run build" },
  },
  rust: {
    files: { "Cargo.toml": '[package]\nname = "demo"\nversion = "0.1.0"\n' },
    checks: {
      typecheck: "cargo check --all-targets",
      lint: "cargo clippy --all-targets -- -D warnings",
      test: "cargo test",
      build: "cargo build",
    },
  },
  python: {
    files: {
      "pyproject.toml": '[project]\nname = "demo"\n\n[tool.mypy]\nstrict = true\n\n[tool.ruff]\nline-length = 100\n',
    },
    checks: { test: "python -m pytest", typecheck: "python -m mypy .", lint: "ruff check ." },
  },
};

for (const [kind, fixture] of Object.entries(fixtures))
  test(`create-prd --template on a ${kind} project writes its quality checks`, async () => {
    for (const [name, content] of Object.entries(fixture.files))
      writeFileSync(join(t.sandbox.workspace, name), content);
    const r = await runCli(t.sandbox, [
      "ralph",
      "create-prd",
      "--feature",
      "User Auth",
      "--template",
      "--stories",
      "2",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`wrote prd.json: 2 stories, branch ralph/user-auth\\nproject: ${kind}`));
    const prd = readJson(join(t.sandbox.workspace, "prd.json"));
    assert.deepEqual(prd.quality_checks, fixture.checks);
    assert.equal(prd.project, "workspace");
    assert.equal(prd.version, "1.0");
    assert.deepEqual(
      prd.user_stories.map((s: { id: string; depends_on: string[] }) => [s.id, s.depends_on]),
      [
        ["US-001", []],
        ["US-002", ["US-001"]],
      ],
    );
    assert.equal(t.fake.requests.length, 0, "a template asks no model");
  });

test("a Makefile's targets fill the gates a Go project leaves open; an existing PRD needs --force", async () => {
  const ws = t.sandbox.workspace;
  writeFileSync(join(ws, "go.mod"), "module demo\n\ngo 1.22\n");
  writeFileSync(join(ws, "Makefile"), "lint:\n\tgolangci-lint run\nVAR := 1\n");
  mkdirSync(join(ws, "plan"));
  const args = [
    "ralph",
    "create-prd",
    "-f",
    "Export",
    "--template",
    "--out",
    "plan/prd.json",
    "--project-name",
    "demo",
  ];
  const r = await runCli(t.sandbox, args);
  assert.equal(r.code, 0, r.stderr);
  // The PRD's directory is its project root: plan/ has no go.mod.
  assert.deepEqual(readJson(join(ws, "plan", "prd.json")).quality_checks, {});
  const again = await runCli(t.sandbox, args);
  assert.equal(again.code, 1);
  assert.equal(again.stderr, "codetether: plan/prd.json exists; use --force to overwrite it\n");
  const root = await runCli(t.sandbox, ["ralph", "create-prd", "-f", "Export", "--template", "--json"]);
  assert.equal(root.code, 0, root.stderr);
  const out = JSON.parse(root.stdout);
  assert.equal(out.project_kind, "go");
  assert.deepEqual(out.prd.quality_checks, {
    lint: "make lint",
    typecheck: "go vet ./...",
    test: "go test ./...",
    build: "go build ./...",
  });
});

test("with a model, create-prd drafts the stories from a read-only look at the codebase and repairs an invalid answer once", async () => {
  const ws = t.sandbox.workspace;
  writeFileSync(join(ws, "package.json"), JSON.stringify({ scripts: { test: "node --test" } }));
  t.fake.push(
    [{ tool: "list_dir", input: {} }],
    '```json\n{"user_stories": [{"id": "US-001", "title": "Login form", "depends_on": ["US-404"]}]}\n```',
    JSON.stringify({
      technical_requirements: ["Passwords hashed with scrypt"],
      user_stories: [
        { id: "US-001", title: "Login form", acceptance_criteria: ["form posts to /login"] },
        {
          id: "US-002",
          title: "Sessions",
          dependencies: ["US-001"],
          verification_steps: [{ type: "shell", command: "npm test" }],
        },
      ],
    }),
  );
  const r = await runCli(t.sandbox, [
    "ralph",
    "create-prd",
    "-f",
    "User Auth",
    "--stories",
    "2",
    "-m",
    "fake/fake-model",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const prd = readJson(join(ws, "prd.json"));
  assert.deepEqual(prd.technical_requirements, ["Passwords hashed with scrypt"]);
  assert.deepEqual(prd.user_stories[1].depends_on, ["US-001"]);
  assert.equal(prd.user_stories[1].complexity, 3);
  assert.deepEqual(prd.quality_checks, { test: "npm run test" });
  assert.match(t.fake.requests[0]!.prompt.users[0]!, /Exactly 2 stories/);
  assert.match(t.fake.requests[0]!.prompt.users[0]!, /"User Auth"/);
  const tools = t.fake.requests[0]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name);
  assert.ok(!tools.includes("write_file") && !tools.includes("bash"), `the drafting agent only reads: ${tools}`);
  assert.match(t.fake.requests[2]!.prompt.users.at(-1)!, /not a valid PRD: .*unknown story US-404/);
  assert.match(readFileSync(join(ws, "prd.json"), "utf8"), /"branch_name": "ralph\/user-auth"/);
});
