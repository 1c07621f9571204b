// The local tool-call router's latency on CPU with a tiny random-weight GGUF (generated here): the first
// routing (loading node-llama-cpp and the model) and the following ones (two constrained generations each).
// node-llama-cpp is an optional install: without it this prints that it was skipped.
// Run: npm run bench -- router
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { routerSectionSchema } from "../src/router/config.ts";
import { LocalToolRouter } from "../src/router/tool-router.ts";
import { setModeTool } from "../test/support/router-tools.ts";
import { writeTinyGguf } from "../test/support/tiny-gguf.ts";

const PACKAGE = "node-llama-cpp";
if (
  !(await import(PACKAGE).then(
    () => true,
    () => false,
  ))
) {
  console.log(`skipped: ${PACKAGE} is not installed (npm install ${PACKAGE}@3.21.1)`);
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), "codetether-bench-router-"));
try {
  const modelPath = join(dir, "tiny.gguf");
  writeTinyGguf(modelPath);
  const router = new LocalToolRouter(
    routerSectionSchema.parse({ enabled: true, model_path: modelPath, device: "cpu", max_tokens: 64 }),
    (message) => console.error(message),
  );
  const tools = [setModeTool];
  const signal = new AbortController().signal;
  const times: number[] = [];
  for (let i = 0; i < 11; i++) {
    const started = performance.now();
    if (!(await router.route({ text: "I will call set_mode to make it fast.", tools, signal })))
      throw new Error("no call");
    times.push(performance.now() - started);
  }
  const [first, ...rest] = times;
  rest.sort((a, b) => a - b);
  console.log(`first routing (loads node-llama-cpp and the model): ${first!.toFixed(0)} ms`);
  console.log(
    `next routings: median ${rest[5]!.toFixed(0)} ms, min ${rest[0]!.toFixed(0)}, max ${rest.at(-1)!.toFixed(0)} (tiny model; a real router model costs more per token)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
