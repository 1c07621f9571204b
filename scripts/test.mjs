// `npm test`: builds the CLI (end-to-end tests run it as a subprocess), then runs every test file with
// node's own test runner. Extra arguments are test files or folders to run instead of all of them.
import { spawnSync } from "node:child_process";
import { glob } from "tinyglobby";

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(process.execPath, ["scripts/build.mjs"]);
const targets = process.argv.slice(2);
const patterns = targets.length
  ? targets.map((t) => (t.endsWith(".ts") ? t : `${t.replace(/\/$/, "")}/**/*.test.{ts,tsx}`))
  : ["test/**/*.test.{ts,tsx}"];
const files = (await glob(patterns)).sort();
// In-process writers (the TUI, serve started in the test process) resolve the audit key too: give them
// one, so that no test creates a key file in the developer's own config dir.
process.env.CODETETHER_AUDIT_KEY ??= "audit key of the test processes";
run(process.execPath, [
  "--import",
  "tsx",
  "--import",
  "./scripts/text-hooks.mjs",
  "--test",
  "--test-concurrency=2",
  "--test-timeout=120000",
  ...files,
]);
