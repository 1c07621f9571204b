import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { z } from "zod";
import { parseMarkdownWithFrontmatter } from "../../src/util/frontmatter.ts";
import { listProfiles, profileTools, resolveProfile } from "../../src/agent/profiles/resolve.ts";
import { defineTool, type Tool } from "../../src/contracts/tool.ts";

const root = mkdtempSync(join(tmpdir(), "codetether-profiles-"));
const workspace = join(root, "ws");
const env = { XDG_CONFIG_HOME: join(root, "xdg") };
after(() => rmSync(root, { recursive: true, force: true }));

function writeAgent(dir: string, file: string, text: string) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), text);
}
const projectAgents = join(workspace, ".codetether", "agents");
const userAgents = join(env.XDG_CONFIG_HOME, "codetether-agent", "agents");

test("frontmatter: scalars, inline and block lists, nested maps with quoted keys, the body", () => {
  const doc = parseMarkdownWithFrontmatter(`---
name: reviewer
description: "Reviews: diffs"   
tools:
  allow: [read_file, "grep"]
  deny:
    - bash
permission:
  bash:
    "git *": allow
    'rm *': deny
  edit: deny
enabled: true
---
Review carefully.
`);
  assert.deepEqual(doc.data, {
    name: "reviewer",
    description: "Reviews: diffs",
    tools: { allow: ["read_file", "grep"], deny: ["bash"] },
    permission: { bash: { "git *": "allow", "rm *": "deny" }, edit: "deny" },
    enabled: true,
  });
  assert.equal(doc.body, "Review carefully.");
  assert.throws(() => parseMarkdownWithFrontmatter("---\nname reviewer\n---\n"), /line 2: expected 'key: value'/);
});

test("frontmatter is YAML: quoted commas and colons, comments, escapes, folded and literal blocks", () => {
  const doc = parseMarkdownWithFrontmatter(`---
description: >-
  Reviews diffs
  before merge.
model: fake/fake-model # the cheap one
tools: [read_file, "grep, then read"]
permission:
  bash:
    "git log: *": allow
    "echo \\"hi\\"": deny
notes: |
  line one
  line two
---
Body.
`);
  assert.deepEqual(doc.data, {
    description: "Reviews diffs before merge.",
    model: "fake/fake-model",
    tools: ["read_file", "grep, then read"],
    permission: { bash: { "git log: *": "allow", 'echo "hi"': "deny" } },
    notes: "line one\nline two\n",
  });
  assert.equal(doc.body, "Body.");
});

test("invalid YAML frontmatter is one line with the file's line number", () => {
  const error = (text: string) => {
    try {
      parseMarkdownWithFrontmatter(text);
    } catch (error) {
      return (error as Error).message;
    }
    return "no error";
  };
  assert.equal(
    error("---\nname: x\ndescription: Use when: reviewing\n---\n"),
    "line 3: Nested mappings are not allowed in compact mappings (quote a value that contains ': ')",
  );
  assert.equal(error("---\nname: x\nname: y\n---\n"), "line 3: Map keys must be unique");
  assert.equal(error('---\ntools: [a, "b\n---\n'), 'line 2: Missing closing "quote');
  const dir = join(root, "yaml-ws", ".codetether", "agents");
  writeAgent(dir, "broken.md", "---\ndescription: x\n  mode: subagent\n---\n");
  assert.throws(
    () => resolveProfile("broken", join(root, "yaml-ws"), env),
    /^UserError: invalid agent file .*broken\.md: line 2: [^\n]+$/,
  );
});

test("built-in build, plan and explore; plan and explore deny edits and bash", () => {
  const names = listProfiles(workspace, env).map((p) => p.name);
  assert.deepEqual(names, ["build", "explore", "plan"]);
  assert.deepEqual(resolveProfile("plan", workspace, env).permission, { edit: "deny", bash: "deny" });
  assert.equal(resolveProfile("explore", workspace, env).mode, "subagent");
  assert.match(resolveProfile("plan", workspace, env).prompt!, /read-only/);
});

test("custom agents from the user's and the project's folders; the project's wins", () => {
  writeAgent(userAgents, "reviewer.md", "---\ndescription: user reviewer\n---\nUser prompt.");
  writeAgent(
    userAgents,
    "docs.md",
    "---\ndescription: docs writer\ntools: [read_file, write_file]\nmodel: fake/fake-model\n---\nWrite docs.",
  );
  writeAgent(
    projectAgents,
    "reviewer.md",
    "---\ndescription: project reviewer\nmode: subagent\npermission:\n  edit: deny\n---\nProject prompt.",
  );
  const reviewer = resolveProfile("reviewer", workspace, env);
  assert.equal(reviewer.description, "project reviewer");
  assert.equal(reviewer.prompt, "Project prompt.");
  assert.deepEqual(reviewer.restrict, { edit: "deny" }, "a project's rules only restrict");
  const docs = resolveProfile("docs", workspace, env);
  assert.deepEqual(docs.tools, { allow: ["read_file", "write_file"] });
  assert.equal(docs.model, "fake/fake-model");
});

test("an unknown agent is a one-line error listing the known ones", () => {
  assert.throws(
    () => resolveProfile("nope", workspace, env),
    (error: Error) => {
      assert.equal(error.name, "UserError");
      assert.match(error.message, /^unknown agent 'nope'; known agents: build, docs, explore, plan, reviewer$/);
      return true;
    },
  );
});

test("a project's agent file only restricts: its rules are kept apart, and a built-in it replaces keeps its own", () => {
  const permission = '\npermission:\n  "*": allow\n  bash: ask\n';
  writeAgent(projectAgents, "loose.md", `---\ndescription: loose${permission}---\n`);
  writeAgent(userAgents, "mine.md", `---\ndescription: mine${permission}---\n`);
  writeAgent(projectAgents, "plan.md", `---\ndescription: not read-only${permission}---\nEdit away.`);
  const loose = resolveProfile("loose", workspace, env);
  assert.equal(loose.permission, undefined);
  assert.deepEqual(loose.restrict, { "*": "allow", bash: "ask" });
  assert.deepEqual(resolveProfile("mine", workspace, env).permission, { "*": "allow", bash: "ask" });
  const plan = resolveProfile("plan", workspace, env);
  assert.equal(plan.prompt, "Edit away.");
  assert.deepEqual(plan.permission, { edit: "deny", bash: "deny" }, "the built-in plan's rules stay");
  rmSync(join(projectAgents, "plan.md"));
});

test("a bad agent file is a one-line error naming the file and key, for a run that asks for it only", () => {
  const dir = join(root, "bad-ws", ".codetether", "agents");
  const ws = join(root, "bad-ws");
  writeAgent(dir, "oops.md", "---\ndescription: x\ncolour: red\n---\n");
  assert.throws(() => resolveProfile("oops", ws, env), /invalid agent file .*oops\.md: unknown key 'colour'/);
  writeAgent(dir, "oops.md", "---\ndescription: x\npermission:\n  bash: sometimes\n---\n");
  assert.throws(() => resolveProfile("oops", ws, env), /invalid agent file .*oops\.md: 'permission.bash'/);
  assert.equal(resolveProfile("build", ws, env).name, "build");
  assert.ok(!listProfiles(ws, env).some((p) => p.name === "oops"));
});

test("profileTools applies the allow list, then the deny list, with globs", () => {
  const tool = (name: string): Tool =>
    defineTool({
      name,
      description: name,
      kind: "other",
      parameters: z.object({}),
      execute: async () => ({ output: "" }),
    }) as Tool;
  const tools = ["read_file", "write_file", "bash", "gh_issues", "gh_delete"].map(tool);
  const names = (allow?: string[], deny?: string[]) =>
    profileTools({ name: "x", description: "x", mode: "all", source: "t", tools: { allow, deny } }, tools).map(
      (t) => t.name,
    );
  assert.deepEqual(names(), ["read_file", "write_file", "bash", "gh_issues", "gh_delete"]);
  assert.deepEqual(names(["read_file", "gh_*"]), ["read_file", "gh_issues", "gh_delete"]);
  assert.deepEqual(names(["gh_*"], ["gh_delete"]), ["gh_issues"]);
  assert.deepEqual(names(undefined, ["bash"]), ["read_file", "write_file", "gh_issues", "gh_delete"]);
});
