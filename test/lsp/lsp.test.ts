import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { configSchema, type Config } from "../../src/config/schema.ts";
import { languageServers } from "../../src/lsp/config.ts";
import { sandboxedLanguageServers } from "../../src/sandbox/language-servers.ts";
import { Sandbox } from "../../src/sandbox/runner.ts";
import { testWorld } from "../tool/context.ts";

// As the front ends start them: in the sandbox.
const dataDir = mkdtempSync(join(tmpdir(), "codetether-lsp-data-"));
const pool = sandboxedLanguageServers(new Sandbox({ config: configSchema.parse({}), dataDir }));
after(() => {
  pool.shutdown();
  rmSync(dataDir, { recursive: true, force: true });
});

const MATH = "export function add(a: number, b: number): number {\n  return a + b;\n}\n";
const USE = 'import { add } from "./math";\nexport const total: number = add(1, 2);\n';
const TSCONFIG = '{"compilerOptions":{"strict":true,"noEmit":true}}';

describe("lsp (typescript-language-server)", () => {
  // One workspace, so both tests share one server start.
  const w = testWorld({ config: undefined, languageServers: pool });
  w.write({ "tsconfig.json": TSCONFIG, "math.ts": MATH, "use.ts": USE });

  it("answers definition, references, hover, symbols and diagnostics", async () => {
    const definition = await w.call("lsp", { op: "definition", path: "use.ts", line: 2, column: 30 });
    assert.equal(definition, "math.ts:1:17: export function add(a: number, b: number): number {");
    const references = await w.call("lsp", { op: "references", path: "math.ts", line: 1, column: 17 });
    assert.match(references, /math\.ts:1:17/);
    assert.match(references, /use\.ts:2:30/);
    assert.match(
      await w.call("lsp", { op: "hover", path: "use.ts", line: 2, column: 30 }),
      /add\(a: number, b: number\): number/,
    );
    assert.match(
      await w.call("lsp", { op: "symbols", path: "math.ts" }),
      /^function add math\.ts:1:17$|function add 1:17/,
    );
    assert.equal(await w.call("lsp", { op: "diagnostics", path: "use.ts" }), "no diagnostics in use.ts");
    await assert.rejects(w.call("lsp", { op: "hover", path: "use.ts" }), /needs line and column/);
    await assert.rejects(w.call("lsp", { op: "symbols", path: "notes.txt" }), /no language server handles notes\.txt/);
  });

  it("appends new errors of the edited file to edit results", async () => {
    const ok = await w.call("edit", { path: "use.ts", old_string: "add(1, 2)", new_string: "add(1, 3)" });
    assert.equal(ok, "edited use.ts (1 replacement)");
    const bad = await w.call("edit", { path: "use.ts", old_string: "add(1, 3)", new_string: 'add(1, "3")' });
    assert.match(
      bad,
      /^edited use\.ts \(1 replacement\)\n\nErrors in use\.ts reported by the typescript language server; fix them:\nuse\.ts:2:37 error \[2345\]: Argument of type 'string' is not assignable/,
    );
  });

  it("reads [lsp.<name>] servers from config and lets the built-in one be turned off", () => {
    const servers = languageServers({
      pyright: { command: "pyright-langserver", args: ["--stdio"], extensions: ["py"] },
    } satisfies Config["lsp" & keyof Config] as unknown);
    assert.deepEqual(
      servers.map((s) => [s.name, s.extensions.join(",")]),
      [
        ["typescript", ".ts,.tsx,.mts,.cts,.js,.jsx,.mjs,.cjs"],
        ["pyright", ".py"],
      ],
    );
    assert.deepEqual(languageServers({ typescript: { enabled: false } }), []);
    assert.throws(
      () => languageServers({ ruby: { command: "solargraph" } }),
      /\[lsp\.ruby\] needs command and extensions/,
    );
    assert.throws(() => languageServers({ ruby: { comand: "x" } }), /invalid \[lsp\] config/);
  });
});

describe("lsp in the sandbox", () => {
  it("a tsserver the workspace ships runs confined: it cannot write outside the workspace", async () => {
    const w = testWorld({ config: undefined, languageServers: pool });
    const escaped = join(dirname(w.workspace), "escaped.txt");
    const ran = join(w.workspace, "ran.txt");
    // typescript-language-server prefers the workspace's own TypeScript: here, code that writes outside
    // (and, to show it ran at all, inside).
    const code = `const fs = require("fs"); fs.writeFileSync(${JSON.stringify(ran)}, "ran"); fs.writeFileSync(${JSON.stringify(escaped)}, "escaped");`;
    w.write({
      "node_modules/typescript/package.json": '{"name":"typescript","version":"5.6.2"}',
      "node_modules/typescript/lib/tsserver.js": code,
      "x.ts": "export const x = 1;\n",
    });
    await w.call("lsp", { op: "hover", path: "x.ts", line: 1, column: 14 }).catch(() => "");
    assert.equal(existsSync(ran), true, "the workspace's tsserver ran");
    assert.equal(existsSync(escaped), false);
  });
});
