// `npm run demo`: a real `codetether run` end to end with no API key and no network. The model is the
// scripted model server the package ships (dist/scripted-model.js; real OpenAI-compatible streaming over
// HTTP on loopback), scripted to explore the workspace, write hello.txt, check it with bash and answer.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const root = mkdtempSync(join(tmpdir(), "codetether-demo-"));
const workspace = join(root, "workspace");
const script = join(root, "script.json");
writeFileSync(
  script,
  JSON.stringify([
    [{ text: "Let me look at the workspace first." }, { tool: "list_dir", input: {} }],
    [{ tool: "write_file", input: { path: "hello.txt", content: "hi\n" } }],
    [{ tool: "bash", input: { command: "cat hello.txt && wc -c hello.txt" } }],
    'Created hello.txt containing "hi" and checked it with cat.',
  ]),
);

const fake = spawn(process.execPath, [new URL("../dist/scripted-model.js", import.meta.url).pathname, script], {
  stdio: ["ignore", "pipe", "inherit"],
});
const firstLine = await new Promise((resolve) => createInterface({ input: fake.stdout }).once("line", resolve));
const { url } = JSON.parse(firstLine);
const config = join(root, "config.toml");
writeFileSync(config, `[providers.demo]\ntype = "openai-compatible"\nbase_url = "${url}/v1"\nmodel = "scripted"\n`);
await import("node:fs/promises").then((fs) => fs.mkdir(workspace));

const prompt = process.argv.slice(2).join(" ") || "create hello.txt containing hi";
console.error(`demo: workspace ${workspace}, scripted model at ${url}\n$ codetether run -m demo/scripted "${prompt}"`);
const code = await new Promise((resolve) => {
  const run = spawn(
    process.execPath,
    [new URL("../bin/codetether", import.meta.url).pathname, "run", "-m", "demo/scripted", prompt],
    {
      cwd: workspace,
      stdio: "inherit",
      env: { ...process.env, CODETETHER_CONFIG: config, CODETETHER_DATA_DIR: join(root, "data") },
    },
  );
  run.on("close", resolve);
});
fake.kill();
if (code === 0)
  console.error(`demo: hello.txt now holds ${JSON.stringify(readFileSync(join(workspace, "hello.txt"), "utf8"))}`);
process.exit(code ?? 1);
