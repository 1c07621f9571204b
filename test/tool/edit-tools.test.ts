import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { testWorld } from "./context.ts";

describe("edit, multiedit, write_file", () => {
  it("edit shows the closest region when old_string is not found", async () => {
    const w = testWorld();
    w.write({ "a.txt": "alpha\nbeta gamma\ndelta\n" });
    await assert.rejects(
      w.call("edit", { path: "a.txt", old_string: "beta  gama", new_string: "x" }),
      /closest region[\s\S]*2→beta gamma/,
    );
  });

  it("edit refuses ambiguous text unless replace_all", async () => {
    const w = testWorld();
    w.write({ "a.txt": "x = 1\nx = 1\n" });
    await assert.rejects(w.call("edit", { path: "a.txt", old_string: "x = 1", new_string: "x = 2" }), /occurs 2 times/);
    assert.match(
      await w.call("edit", { path: "a.txt", old_string: "x = 1", new_string: "x = 2", replace_all: true }),
      /2 replacements/,
    );
    assert.equal(readFileSync(join(w.workspace, "a.txt"), "utf8"), "x = 2\nx = 2\n");
  });

  it("multiedit applies edits in order, or none when one fails", async () => {
    const w = testWorld();
    w.write({ "a.txt": "one two three\n" });
    await w.call("multiedit", {
      path: "a.txt",
      edits: [
        { old_string: "one", new_string: "1" },
        { old_string: "1 two", new_string: "1 2" },
      ],
    });
    assert.equal(readFileSync(join(w.workspace, "a.txt"), "utf8"), "1 2 three\n");
    await assert.rejects(
      w.call("multiedit", {
        path: "a.txt",
        edits: [
          { old_string: "three", new_string: "3" },
          { old_string: "nope", new_string: "x" },
        ],
      }),
      /edit 2 of 2 failed, no edit was applied/,
    );
    assert.equal(readFileSync(join(w.workspace, "a.txt"), "utf8"), "1 2 three\n");
  });

  it("edits of one file made at once (parallel calls) all land, one after the other", async () => {
    const w = testWorld();
    writeFileSync(join(w.workspace, "a.ts"), "one\ntwo\nthree\n");
    const results = await Promise.all([
      w.call("edit", { path: "a.ts", old_string: "one", new_string: "1" }),
      w.call("edit", { path: "a.ts", old_string: "two", new_string: "2" }),
      w.call("multiedit", { path: "a.ts", edits: [{ old_string: "three", new_string: "3" }] }),
    ]);
    assert.equal(results.length, 3);
    assert.equal(readFileSync(join(w.workspace, "a.ts"), "utf8"), "1\n2\n3\n");
  });

  it("apply_patch refuses a patch that changes one file in two sections (the second would undo the first)", async () => {
    const w = testWorld();
    writeFileSync(join(w.workspace, "b.ts"), "x\ny\n");
    const patch =
      "*** Begin Patch\n*** Update File: b.ts\n@@\n-x\n+X\n*** Update File: b.ts\n@@\n-y\n+Y\n*** End Patch";
    await assert.rejects(w.call("apply_patch", { patch }), /changes b\.ts more than once/);
    assert.equal(readFileSync(join(w.workspace, "b.ts"), "utf8"), "x\ny\n");
  });

  it("write_file creates parent directories", async () => {
    const w = testWorld();
    assert.match(await w.call("write_file", { path: "deep/er/f.md", content: "hi\n" }), /wrote deep\/er\/f\.md/);
    assert.equal(readFileSync(join(w.workspace, "deep/er/f.md"), "utf8"), "hi\n");
  });

  it("plan mode refuses edits and bash until plan_exit", async () => {
    const { guardPlanMode } = await import("../../src/tool/plan-mode.ts");
    const planMode = { active: false };
    const w = testWorld();
    const ctx = { planMode, authorize: guardPlanMode(async () => {}, planMode) };
    await w.call("plan_enter", {}, ctx);
    await assert.rejects(w.call("write_file", { path: "f", content: "x" }, ctx), /plan mode/);
    await assert.rejects(w.call("bash", { command: "true" }, ctx), /plan mode/);
    assert.match(await w.call("list_dir", {}, ctx), /empty/);
    assert.match(await w.call("plan_exit", { plan: "1. write f" }, ctx), /plan mode off/);
    await w.call("write_file", { path: "f", content: "x" }, ctx);
  });

  it("plan_exit: a skipped question is not an approval; with nobody to ask the plan goes ahead", async () => {
    const { guardPlanMode } = await import("../../src/tool/plan-mode.ts");
    const planMode = { active: true };
    const w = testWorld();
    const asking = (answer: string | undefined) => ({
      planMode,
      authorize: guardPlanMode(async () => {}, planMode),
      question: async () => answer,
    });
    assert.match(
      await w.call("plan_exit", { plan: "1. write f" }, asking("")),
      /did not approve the plan\.\nStill in plan mode/,
    );
    assert.match(
      await w.call("plan_exit", { plan: "1. write f" }, asking("no, smaller")),
      /did not approve the plan and said: no, smaller/,
    );
    assert.equal(planMode.active, true);
    assert.match(await w.call("plan_exit", { plan: "1. write f" }, asking(undefined)), /plan mode off/);
    assert.equal(planMode.active, false);
  });
});
