// End to end through the built CLI (npm run build first) with the scripted fake model.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createCliWorld } from "./cli-harness.ts";

const TSX = import.meta.resolve("tsx");
const completed = (events: Array<Record<string, any>>, tool: string) =>
  events.filter((e) => e.type === "tool-completed" && e.tool === tool);

function writeProject(workspace: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(workspace, path, ".."), { recursive: true });
    writeFileSync(join(workspace, path), text);
  }
}

describe("tools end to end (built CLI, fake model)", () => {
  it("repairs a small TS project: grep → read_file → lsp → edit (LSP errors shown) → edit → bash check", async () => {
    const check = `node --import ${TSX} check.ts`;
    const world = await createCliWorld([
      [{ tool: "grep", input: { pattern: "function add", include: "*.ts" } }],
      [{ tool: "read_file", input: { path: "src/math.ts" } }],
      // An lsp call waits for the server to load the project, so the edit's bounded wait finds it warm.
      [{ tool: "lsp", input: { op: "diagnostics", path: "src/math.ts" } }],
      [
        {
          tool: "edit",
          input: { path: "src/math.ts", old_string: "return a - b;", new_string: "return a + String(b);" },
        },
      ],
      [
        {
          tool: "edit",
          input: { path: "src/math.ts", old_string: "return a + String(b);", new_string: "return a + b;" },
        },
      ],
      [{ tool: "bash", input: { command: check } }],
      "Fixed add: it subtracted instead of adding; the check passes.",
    ]);
    try {
      writeProject(world.workspace, {
        "tsconfig.json": '{"compilerOptions":{"strict":true,"noEmit":true,"allowImportingTsExtensions":true}}',
        "src/math.ts": "export function add(a: number, b: number): number {\n  return a - b;\n}\n",
        "check.ts":
          'import { add } from "./src/math.ts";\nif (add(2, 3) !== 5) {\n  console.error(`check failed: add(2, 3) = ${add(2, 3)}`);\n  process.exit(1);\n}\nconsole.log("check passed");\n',
      });
      const { code, events, stderr } = await world.run(["fix the failing check"]);
      assert.equal(code, 0, stderr);
      assert.equal(
        completed(events, "grep")[0]?.output,
        "src/math.ts:1:export function add(a: number, b: number): number {",
      );
      assert.match(completed(events, "read_file")[0]?.output, /2→ {2}return a - b;/);
      const [bad, good] = completed(events, "edit");
      assert.match(
        bad?.output,
        /Errors in src\/math\.ts reported by the typescript language server; fix them:\nsrc\/math\.ts:2:3 error \[2322\]: Type 'string' is not assignable to type 'number'/,
      );
      assert.equal(good?.output, "edited src/math.ts (1 replacement)");
      assert.equal(completed(events, "bash")[0]?.output, "check passed");
      assert.equal(events.at(-1)?.type, "finish");
      assert.equal(
        readFileSync(join(world.workspace, "src/math.ts"), "utf8"),
        "export function add(a: number, b: number): number {\n  return a + b;\n}\n",
      );
      // The model saw each tool's result in the next request.
      assert.match(JSON.stringify(world.fake.requests[1]?.body), /src\/math\.ts:1:export function add/);
      assert.match(JSON.stringify(world.fake.requests[6]?.body), /check passed/);
    } finally {
      await world.dispose();
    }
  });

  it("applies a patch whose line numbers are off, and reports a patch that doesn't match", async () => {
    const patch = [
      "--- a/app.py",
      "+++ b/app.py",
      "@@ -1,3 +1,3 @@",
      " def greet(name):",
      '-    return "hi " + name',
      '+    return f"hello {name}"',
      "",
    ].join("\n");
    const world = await createCliWorld([
      [{ tool: "apply_patch", input: { patch } }],
      [
        {
          tool: "apply_patch",
          input: { patch: "*** Begin Patch\n*** Update File: app.py\n-    return 42\n+    return 43\n*** End Patch" },
        },
      ],
      "Done.",
    ]);
    try {
      writeProject(world.workspace, {
        "app.py": 'import os\n\n\n# greeting\ndef greet(name):\n    return "hi " + name\n',
      });
      const { code, events, stderr } = await world.run(["use an f-string"]);
      assert.equal(code, 0, stderr);
      assert.equal(completed(events, "apply_patch")[0]?.output, "applied patch:\nM app.py");
      const failure = events.find((e) => e.type === "tool-error" && e.tool === "apply_patch");
      assert.match(failure?.error, /hunk 1 of app\.py does not match/);
      assert.equal(
        readFileSync(join(world.workspace, "app.py"), "utf8"),
        'import os\n\n\n# greeting\ndef greet(name):\n    return f"hello {name}"\n',
      );
    } finally {
      await world.dispose();
    }
  });
});
