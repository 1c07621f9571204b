// `npm run bench`: builds the CLI, then runs every benchmark in turn and prints their figures.
// One benchmark: `npm run bench -- startup` (names are the files in bench/ without .ts).
import { spawnSync } from "node:child_process";

const ALL = [
  "startup",
  "first-request",
  "serve",
  "scale-out",
  "serve-streams",
  "tui",
  "bus",
  "log",
  "sandbox",
  "audit",
  "rlm",
  "router",
  "swarm",
];
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
const unknown = chosen.filter((name) => !ALL.includes(name));
if (unknown.length) {
  console.error(`bench: unknown benchmark ${unknown.join(", ")}; known: ${ALL.join(", ")}`);
  process.exit(2);
}
const run = (args) =>
  spawnSync(process.execPath, args, { stdio: "inherit", cwd: new URL("..", import.meta.url) }).status;
if (run(["scripts/build.mjs"]) !== 0) process.exit(1);
let failed = 0;
for (const name of chosen) {
  console.log(`\n== ${name}`);
  // text-hooks: benchmarks that load the agent in-process import its .md/.txt prompts.
  if (run(["--import", "tsx", "--import", "./scripts/text-hooks.mjs", `bench/${name}.ts`]) !== 0) failed++;
}
process.exit(failed ? 1 : 0);
