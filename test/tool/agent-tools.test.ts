import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { builtinTools } from "../../src/tool/builtin-tools.ts";
import { loadSkills } from "../../src/tool/builtin/skills.ts";
import { runTool } from "../../src/tool/invoke.ts";
import { compactInputSchema } from "../../src/tool/tool-schema.ts";
import { testWorld } from "./context.ts";

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4a50000000049454e44ae426082",
  "hex",
);

describe("batch, todo, question, skill, image, task", () => {
  it("batch runs calls in parallel and reports each in order, failures included", async () => {
    const w = testWorld();
    w.write({ "a.txt": "A", "b.txt": "B" });
    const out = await w.call("batch", {
      calls: [
        { tool: "read_file", input: { path: "a.txt" } },
        { tool: "nope", input: {} },
        { tool: "read_file", input: { path: "b.txt" } },
        { tool: "batch", input: { calls: [] } },
      ],
    });
    assert.match(
      out,
      /## 1\. read_file\n1→A\n\n## 2\. nope \(error\)\nunknown tool 'nope'[^\n]*\n\n## 3\. read_file\n1→B\n\n## 4\. batch \(error\)/,
    );
  });

  it("todo_write replaces the list; todo_read reads it back from SQLite, per session", async () => {
    const w = testWorld();
    await w.call("todo_write", {
      todos: [
        { content: "write tests", status: "in_progress", priority: "high" },
        { content: "ship", status: "pending" },
      ],
    });
    assert.equal(await w.call("todo_read", {}), "[~] 1. write tests (high)\n[ ] 2. ship\n2 open of 2");
    assert.equal(await w.call("todo_read", {}, { sessionId: "ses_other" }), "no todos");
    await w.call("todo_write", { todos: [{ content: "ship", status: "completed" }] });
    assert.equal(await w.call("todo_read", {}), "[x] 1. ship\n0 open of 1");
  });

  it("question asks through the hook, and says no answer is available without one", async () => {
    const w = testWorld();
    assert.match(await w.call("question", { question: "Which DB?" }), /No answer is available/);
    const asked: string[] = [];
    const ctx = { question: async (q: { question: string }) => (asked.push(q.question), "Postgres") };
    assert.equal(
      await w.call("question", { question: "Which DB?", options: ["SQLite", "Postgres"] }, ctx),
      "The user answered: Postgres",
    );
    assert.deepEqual(asked, ["Which DB?"]);
  });

  it("skill loads SKILL.md files with frontmatter and lists them in its description", async () => {
    const w = testWorld();
    const home = join(w.workspace, "..", "xdg");
    process.env.XDG_CONFIG_HOME = home;
    mkdirSync(join(home, "codetether-agent/skills/deploy"), { recursive: true });
    writeFileSync(
      join(home, "codetether-agent/skills/deploy/SKILL.md"),
      "---\nname: deploy\ndescription: Ship to prod\n---\nRun make deploy.\n",
    );
    w.write({
      ".codetether/skills/review/SKILL.md":
        '---\nname: review\ndescription: "Review a diff"\n---\nCheck tests first.\n',
      ".codetether/skills/bad/SKILL.md": "no frontmatter",
    });
    const skills = await loadSkills(w.workspace);
    assert.deepEqual(
      skills.map((s) => s.name),
      ["review", "deploy"],
    );
    const tool = builtinTools(skills).find((t) => t.name === "skill")!;
    assert.match(tool.description, /- review: Review a diff\n- deploy: Ship to prod/);
    assert.match(await w.call("skill", { name: "review" }), /# Skill: review[\s\S]*Check tests first\./);
    await assert.rejects(w.call("skill", { name: "nope" }), /available: review, deploy/);
    delete process.env.XDG_CONFIG_HOME;
  });

  it("skill frontmatter is YAML: quoted colons, folded descriptions; a file of invalid YAML is skipped, named in one line", async () => {
    const w = testWorld();
    w.write({
      ".codetether/skills/release/SKILL.md":
        '---\nname: "release: tag"\ndescription: >\n  Tags a release\n  and pushes it. # not a comment\n---\nRun make tag.\n',
    });
    const [skill] = await loadSkills(w.workspace);
    assert.equal(skill?.name, "release: tag");
    assert.equal(skill?.description, "Tags a release and pushes it. # not a comment");
    w.write({ ".codetether/skills/broken/SKILL.md": "---\nname: broken\ndescription: Use when: shipping\n---\n" });
    const warnings: string[] = [];
    assert.deepEqual(
      (await loadSkills(w.workspace, (message) => warnings.push(message))).map((s) => s.name),
      ["release: tag"],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^invalid skill file .*broken[/\\]SKILL\.md: line 3: [^\n]+$/);
  });

  it("image attaches PNG data, and refuses non-images and models without vision", async () => {
    const w = testWorld();
    writeFileSync(join(w.workspace, "dot.png"), PNG);
    w.write({ "fake.png": "hello" });
    const tool = w.ctx.tools!.get("image")!;
    const result = await runTool(tool, { path: "dot.png" }, w.ctx);
    assert.deepEqual(result.attachments, [{ type: "image", mediaType: "image/png", data: PNG.toString("base64") }]);
    await assert.rejects(w.call("image", { path: "fake.png" }), /not a PNG, JPEG, GIF or WebP/);
    await assert.rejects(w.call("image", { path: "dot.png" }, { supportsImages: false }), /does not accept images/);
  });

  it("task hands the prompt to the sub-agent hook and returns its answer", async () => {
    const w = testWorld();
    await assert.rejects(w.call("task", { description: "look", prompt: "find x" }), /not available/);
    const runSubAgent = async (request: { agent: string; prompt: string }) => ({
      sessionId: "ses_child",
      text: `${request.agent} found it: ${request.prompt}`,
    });
    assert.equal(
      await w.call("task", { description: "look", prompt: "find x" }, { runSubAgent }),
      "explore found it: find x\n[sub-agent explore, session ses_child]",
    );
  });

  it("sends compact schemas: no $schema, additionalProperties or length bounds", () => {
    const all = builtinTools().map((t) => JSON.stringify(compactInputSchema(t)));
    for (const schema of all) assert.doesNotMatch(schema, /\$schema|additionalProperties|minLength|9007199254740991/);
    const names = builtinTools().map((t) => t.name);
    for (const reserved of ["rlm", "prd", "ralph", "swarm"]) assert.ok(!names.includes(reserved));
    assert.equal(names.length, 22);
  });
});
