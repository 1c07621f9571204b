import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { testWorld } from "./context.ts";

const original = ["function a() {", "  return 1;", "}", "", "function b() {", "  return 2;", "}", ""].join("\n");

describe("apply_patch", () => {
  it("applies a unified diff whose line numbers are off", async () => {
    const w = testWorld();
    w.write({ "src/x.ts": `// header\n// more\n\n${original}` });
    const patch = [
      "--- a/src/x.ts",
      "+++ b/src/x.ts",
      "@@ -5,3 +5,3 @@",
      " function b() {",
      "-  return 2;",
      "+  return 20;",
      " }",
    ].join("\n");
    const out = await w.call("apply_patch", { patch });
    assert.match(out, /M src\/x\.ts/);
    assert.match(readFileSync(join(w.workspace, "src/x.ts"), "utf8"), /return 20;\n}\n$/);
  });

  it("applies the *** Begin Patch format: add, delete, update with @@ anchor, move", async () => {
    const w = testWorld();
    w.write({ "a.ts": original, "old.txt": "bye\n", "m.ts": "x\ny\n" });
    const patch = [
      "*** Begin Patch",
      "*** Add File: new/hello.txt",
      "+hello",
      "+world",
      "*** Delete File: old.txt",
      "*** Update File: a.ts",
      "@@ function b() {",
      "-  return 2;",
      "+  return 3;",
      "*** Update File: m.ts",
      "*** Move to: moved/m.ts",
      "@@",
      " x",
      "-y",
      "+z",
      "*** End Patch",
    ].join("\n");
    await w.call("apply_patch", { patch });
    assert.equal(readFileSync(join(w.workspace, "new/hello.txt"), "utf8"), "hello\nworld\n");
    assert.equal(existsSync(join(w.workspace, "old.txt")), false);
    const a = readFileSync(join(w.workspace, "a.ts"), "utf8");
    assert.match(a, /return 1;/);
    assert.match(a, /return 3;/);
    assert.equal(existsSync(join(w.workspace, "m.ts")), false);
    assert.equal(readFileSync(join(w.workspace, "moved/m.ts"), "utf8"), "x\nz\n");
  });

  it("tolerates trailing whitespace differences in context", async () => {
    const w = testWorld();
    w.write({ "a.ts": original.replace("function a() {", "function a() {   ") });
    await w.call("apply_patch", {
      patch: "*** Begin Patch\n*** Update File: a.ts\n function a() {\n-  return 1;\n+  return 9;\n*** End Patch",
    });
    assert.match(readFileSync(join(w.workspace, "a.ts"), "utf8"), /return 9;/);
  });

  it("is all or nothing: a failing hunk in the second file leaves the first untouched", async () => {
    const w = testWorld();
    w.write({ "a.ts": original, "b.ts": original });
    const patch =
      "*** Begin Patch\n*** Update File: a.ts\n-  return 1;\n+  return 5;\n*** Update File: b.ts\n-  return 42;\n+  return 43;\n*** End Patch";
    await assert.rejects(w.call("apply_patch", { patch }), /hunk 1 of b\.ts does not match[\s\S]*Closest region/);
    assert.equal(readFileSync(join(w.workspace, "a.ts"), "utf8"), original);
  });

  it("refuses to add a file that exists and explains malformed patches", async () => {
    const w = testWorld();
    w.write({ "a.ts": original });
    await assert.rejects(
      w.call("apply_patch", { patch: "*** Begin Patch\n*** Add File: a.ts\n+x\n*** End Patch" }),
      /already exists/,
    );
    await assert.rejects(w.call("apply_patch", { patch: "just words" }), /no file changes found/);
    await assert.rejects(w.call("apply_patch", { patch: "*** Begin Patch\n*** Update File: a.ts\n-x\n" }), /End Patch/);
  });
});
