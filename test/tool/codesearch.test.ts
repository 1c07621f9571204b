import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { definesName } from "../../src/tool/builtin/definition-patterns.ts";
import { testWorld } from "./context.ts";

describe("codesearch", () => {
  it("ranks the definition of a symbol first, then files that use it; tests rank lower", async () => {
    const w = testWorld();
    w.write({
      "src/use.ts": "import { parseConfig } from './config';\nparseConfig('a');\nparseConfig('b');\n",
      "test/config.test.ts": "parseConfig('x');\nparseConfig('y');\nparseConfig('z');\n",
      "src/config.ts": "// helpers\nexport function parseConfig(text: string) {\n  return text;\n}\n",
      "src/other.ts": "const parseConfigs = 1;\n",
    });
    const out = await w.call("codesearch", { query: "parseConfig" });
    const lines = out.split("\n");
    assert.equal(lines[0], "Definitions:");
    assert.equal(lines[1], "src/config.ts:2: export function parseConfig(text: string) {");
    const files = lines.filter((l) => /^\S.*\(\d+\)$/.test(l)).map((l) => l.split(" ")[0]);
    assert.deepEqual(files, ["src/config.ts", "src/use.ts", "test/config.test.ts"]);
  });

  it("finds code about a concept from several words", async () => {
    const w = testWorld();
    w.write({
      "src/retry.ts": "export function retryDelay(attempt: number) {\n  return backoff(attempt);\n}\n",
      "src/unrelated.ts": "const delay = 5;\n",
    });
    const out = await w.call("codesearch", { query: "retry backoff" });
    assert.match(out, /^Definitions:\nsrc\/retry\.ts:1: export function retryDelay/);
    assert.ok(out.indexOf("src/retry.ts (2)") < out.indexOf("src/unrelated.ts") || !out.includes("src/unrelated.ts"));
    assert.equal(await w.call("codesearch", { query: "zzzNothing" }), 'nothing found for "zzzNothing"');
  });

  it("recognises definitions across languages", () => {
    const cases: Array<[string, string]> = [
      ["def load_user(id):", "load_user"],
      ["pub fn parse(input: &str) -> Result<()> {", "parse"],
      ["func (s *Server) Handle(w http.ResponseWriter) {", "Handle"],
      ["const handler = async (req) => {", "handler"],
      ["  private async save(item: Item): Promise<void> {", "save"],
      ["class UserStore extends Base {", "UserStore"],
      ["type Options = {", "Options"],
    ];
    for (const [line, name] of cases) assert.ok(definesName(line, name), line);
    assert.ok(!definesName("save(item);", "save"));
    assert.ok(!definesName("if (x) {", "x"));
  });
});
