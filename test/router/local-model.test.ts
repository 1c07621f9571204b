// The router with a real local model: a tiny random-weight GGUF generated here, run by node-llama-cpp.
// node-llama-cpp is an optional dependency (an install with --omit=optional leaves it out), so these tests
// run only where it is installed; `npm ci` installs it, as CI does.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Tool } from "../../src/contracts/tool.ts";
import { routerSectionSchema } from "../../src/router/config.ts";
import { LocalToolRouter } from "../../src/router/tool-router.ts";
import { setModeTool, tagTool } from "../support/router-tools.ts";
import { writeTinyGguf } from "../support/tiny-gguf.ts";

const PACKAGE = "node-llama-cpp";
const installed = await import(PACKAGE).then(
  () => true,
  () => false,
);
const skip = installed ? false : `${PACKAGE} is not installed (optional)`;

const dir = mkdtempSync(join(tmpdir(), "codetether-router-model-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const modelPath = join(dir, "tiny.gguf");
writeTinyGguf(modelPath);

const tools: Tool[] = [setModeTool, tagTool];

// Greedy decoding (temperature 0): sampled, the random model now and then wrote an astral character into a
// bounded string, which the grammar counts as one character and the schema check (UTF-16 units) as two.
const settings = (extra: Record<string, unknown> = {}) =>
  routerSectionSchema.parse({
    enabled: true,
    model_path: modelPath,
    device: "cpu",
    max_tokens: 64,
    temperature: 0,
    ...extra,
  });

test(
  "a generated GGUF loads and the router's call names an offered tool with arguments valid for its schema",
  { skip },
  async (context) => {
    // A generous routing timeout: on a loaded CI machine the random model's CPU generation can take seconds,
    // and this test is about loading and schema-valid output, not the 30 s default.
    const router = new LocalToolRouter(settings({ arch: "llama" }), (message) => assert.fail(message), 100_000);
    const signal = new AbortController().signal;
    for (const text of ["I will call set_mode to make it fast.", "Now tag the release with tag v1."]) {
      const started = performance.now();
      const call = await router.route({ text, tools, signal });
      context.diagnostic(`routed in ${(performance.now() - started).toFixed(0)} ms: ${JSON.stringify(call)}`);
      assert.ok(call, "a call");
      const tool = tools.find((t) => t.name === call.tool);
      assert.ok(tool, `an offered tool: ${call.tool}`);
      assert.ok(tool.parameters.safeParse(call.input).success, JSON.stringify(call.input));
    }
  },
);

test(
  "a model of another architecture than [router] arch: the answer passes through, warned once",
  { skip },
  async () => {
    const warnings: string[] = [];
    const router = new LocalToolRouter(settings({ arch: "gemma3" }), (message) => warnings.push(message));
    const signal = new AbortController().signal;
    assert.equal(await router.route({ text: "call set_mode", tools, signal }), undefined);
    assert.equal(await router.route({ text: "call tag", tools, signal }), undefined);
    assert.deepEqual(warnings, [
      "the tool router passed an answer through: the router model is a llama model, not gemma3",
    ]);
  },
);
