// Startup and one-shot benchmark: `--help`/`--version` against bare `node -e 0`, and a whole
// `run` ("create hello.txt containing hi") against the scripted fake model. Run: npm run build && node --import tsx bench/startup.ts
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startFakeModel } from "../test/support/fake-model.ts";
import { CLI, fakeProviderToml, makeSandbox } from "../test/support/cli.ts";
import { measure, printTable } from "./measure.ts";

const runs = Number(process.env.BENCH_RUNS) || 15;
const node = process.execPath;
const baseline = await measure("node -e 0", [node, "-e", "0"], { runs });
const rows = [
  baseline,
  await measure("codetether --help", [node, CLI, "--help"], { runs }),
  await measure("codetether --version", [node, CLI, "--version"], { runs }),
];

const fake = await startFakeModel();
const sandbox = makeSandbox();
sandbox.writeConfig(fakeProviderToml(fake.url));
const hello = join(sandbox.workspace, "hello.txt");
/** The one-shot task, timed; `alsoBefore` runs ahead of each run too. */
const createHello = (label: string, alsoBefore?: () => void) =>
  measure(label, [node, CLI, "run", "-m", "fake/fake-model", "create hello.txt containing hi"], {
    runs,
    cwd: sandbox.workspace,
    env: sandbox.env,
    before: () => {
      rmSync(hello, { force: true });
      alsoBefore?.();
      fake.push([{ tool: "write_file", input: { path: "hello.txt", content: "hi" } }], "Created hello.txt.");
    },
  });
rows.push(await createHello("run: create hello.txt (fake model)"));
if (readFileSync(hello, "utf8") !== "hi") throw new Error("the one-shot task did not create hello.txt");
// The figures above reuse the code cache the first run writes; this is a run right after install or upgrade.
rows.push(
  await createHello("run: same, without a code cache", () =>
    rmSync(sandbox.env.XDG_CACHE_HOME!, { recursive: true, force: true }),
  ),
);
printTable(rows, baseline);
console.log(`\ngoals: --help ≤ 1.3× node; one-shot < 250 ms and < 90 MiB (codex: 350 ms, 147 MiB)`);
await fake.close();
sandbox.cleanup();
