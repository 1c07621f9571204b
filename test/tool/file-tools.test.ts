import assert from "node:assert/strict";
import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { testWorld } from "./context.ts";

describe("read_file, list_dir, glob, grep", () => {
  it("read_file numbers lines, pages with offset/limit, and detects binary and image files", async () => {
    const w = testWorld();
    w.write({ "a.txt": Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join("\n") });
    writeFileSync(join(w.workspace, "bin.dat"), Buffer.from([1, 0, 2, 3]));
    w.write({ "pic.png": "not really" });
    const page = await w.call("read_file", { path: "a.txt", offset: 3, limit: 2 });
    assert.equal(page, "3→line 3\n4→line 4\n[showing lines 3-4 of 10; continue with offset 5]");
    await assert.rejects(w.call("read_file", { path: "bin.dat" }), /binary file/);
    await assert.rejects(w.call("read_file", { path: "pic.png" }), /image tool/);
    await assert.rejects(w.call("read_file", { path: "missing.txt" }), /file not found/);
  });

  it("read_file caps long lines and total bytes", async () => {
    const w = testWorld();
    w.write({ "long.txt": `${"x".repeat(3000)}\n${"y".repeat(1000)}\n`.repeat(40) });
    const out = await w.call("read_file", { path: "long.txt" });
    assert.match(out, /line cut at 2000 chars/);
    assert.ok(Buffer.byteLength(out) <= 51 * 1024);
    assert.match(out, /continue with offset \d+\]$/);
  });

  it("list_dir skips .git, node_modules and .gitignore'd paths", async () => {
    const w = testWorld();
    w.write({
      ".gitignore": "dist/\n*.log\n",
      "src/a.ts": "",
      "dist/out.js": "",
      "x.log": "",
      "node_modules/p/i.js": "",
      ".git/HEAD": "",
    });
    const out = await w.call("list_dir", {});
    assert.match(out, /src\/\n {2}a\.ts/);
    assert.doesNotMatch(out, /dist|x\.log|node_modules|\.git\//);
  });

  it("glob lists newest first and caps at 100", async () => {
    const w = testWorld();
    w.write(Object.fromEntries(Array.from({ length: 105 }, (_, i) => [`f/${i}.ts`, ""])));
    const past = new Date(Date.now() - 60_000);
    for (let i = 0; i < 105; i++) if (i !== 42) utimesSync(join(w.workspace, `f/${i}.ts`), past, past);
    const out = (await w.call("glob", { pattern: "f/*.ts" })).split("\n");
    assert.equal(out[0], "f/42.ts");
    assert.equal(out.length, 101);
    assert.match(out.at(-1)!, /5 more results/);
  });

  it("glob patterns cannot reach out of the checked path", async () => {
    const w = testWorld();
    for (const pattern of ["../*", "sub/../../x/*", "/etc/pass*"]) {
      await assert.rejects(w.call("glob", { pattern }), /pattern must stay inside path/, pattern);
    }
  });

  it("grep finds matches with include globs, honours .gitignore and reports bad patterns", async () => {
    const w = testWorld();
    w.write({ ".gitignore": "gen/\n", "a.ts": "const needle = 1;\n", "b.md": "needle\n", "gen/c.ts": "needle\n" });
    assert.equal(await w.call("grep", { pattern: "needle", include: "*.ts" }), "a.ts:1:const needle = 1;");
    assert.equal(await w.call("grep", { pattern: "nothing-here" }), "no matches");
    await assert.rejects(w.call("grep", { pattern: "(" }), /grep failed/);
  });
});
