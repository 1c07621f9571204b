// Which built-in tools the model is offered: none that could only fail. `skill` needs an installed skill and
// `websearch` a [websearch] backend; without them their schemas would cost every request for nothing.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { builtinTools, offeredBuiltinTools } from "../../src/tool/builtin-tools.ts";
import { fakeProviderToml, runCli, useFakeModelSandbox } from "../support/cli.ts";

const t = useFakeModelSandbox();
const firstRequestTools = () =>
  ((t.fake.requests[0]!.body.tools ?? []) as Array<{ function: { name: string } }>).map((tool) => tool.function.name);

test("offeredBuiltinTools leaves out only skill without skills and websearch without [websearch]", () => {
  const all = builtinTools().map((tool) => tool.name);
  const bare = offeredBuiltinTools([], {}).map((tool) => tool.name);
  assert.deepEqual(
    bare,
    all.filter((name) => name !== "skill" && name !== "websearch"),
  );
  const skill = { name: "review", description: "Review a diff", path: "/x/SKILL.md", body: "" };
  const equipped = offeredBuiltinTools([skill], { websearch: { provider: "searxng" } }).map((tool) => tool.name);
  assert.deepEqual(equipped, all);
});

test("a fresh workspace's first request has neither; a skill and a [websearch] section bring each back", async () => {
  t.sandbox.writeConfig(fakeProviderToml(t.fake.url));
  t.fake.push("done");
  let r = await runCli(t.sandbox, ["run", "-m", "fake/fake-model", "say hi"]);
  assert.equal(r.code, 0, r.stderr);
  const fresh = firstRequestTools();
  assert.ok(fresh.includes("read_file") && fresh.includes("webfetch"), fresh.join(","));
  assert.ok(!fresh.includes("skill") && !fresh.includes("websearch"), fresh.join(","));

  mkdirSync(join(t.sandbox.workspace, ".codetether/skills/review"), { recursive: true });
  writeFileSync(
    join(t.sandbox.workspace, ".codetether/skills/review/SKILL.md"),
    "---\nname: review\ndescription: Review a diff\n---\nCheck tests first.\n",
  );
  t.sandbox.writeConfig(
    `${fakeProviderToml(t.fake.url)}\n[websearch]\nprovider = "searxng"\nurl = "http://127.0.0.1:9"\n`,
  );
  t.fake.requests.length = 0;
  t.fake.push("done");
  r = await runCli(t.sandbox, ["run", "-m", "fake/fake-model", "say hi"]);
  assert.equal(r.code, 0, r.stderr);
  const equipped = firstRequestTools();
  assert.ok(equipped.includes("skill") && equipped.includes("websearch"), equipped.join(","));
});
