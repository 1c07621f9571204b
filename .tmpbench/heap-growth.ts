import { sendMessageLoad } from "../src/cli/bench/a2a-load.ts";
import { startJsonLineProcess } from "../src/cli/bench/processes.ts";
import { CLI, fakeProviderToml, makeSandbox } from "../test/support/cli.ts";
import { readFileSync, rmSync } from "node:fs";
const OUT = "/tmp/heap-growth.jsonl"; rmSync(OUT, { force: true });
const fake = await startJsonLineProcess([new URL("../dist/scripted-model.js", import.meta.url).pathname]);
const sandbox = makeSandbox(); sandbox.writeConfig(fakeProviderToml(fake.info.url!));
const serve = await startJsonLineProcess(["--v8-pool-size=0", "--expose-gc", "-r", new URL("./heap-preload.cjs", import.meta.url).pathname, CLI, "serve", "--json", "--port", "0", "--grpc-port", "0", "-m", "fake/fake-model"], { cwd: sandbox.workspace, env: { ...sandbox.env, CODETETHER_AUTH_TOKEN: "t", HEAP_OUT: OUT } });
const snap = async () => { serve.child.kill("SIGUSR2"); await new Promise(r => setTimeout(r, 500)); };
await snap();
for (let i = 0; i < Number(process.env.STEPS ?? 5); i++) {
  await sendMessageLoad({ url: serve.info.jsonrpc!, headers: { authorization: "Bearer t" } }, 3000, 8);
  await snap();
}
console.log(readFileSync(OUT, "utf8")); console.log(readFileSync(`/proc/${serve.child.pid}/smaps_rollup`, "utf8")); const { execSync } = await import("node:child_process"); console.log(execSync(`awk '/^[0-9a-f]/{name=$6} /^Rss:/{r[name]+=$2} END{for(n in r) if (r[n]>1000) print r[n], n}' /proc/${serve.child.pid}/smaps | sort -rn | head -20`).toString());
if (process.env.SNAPSHOT) { serve.child.kill("SIGUSR1"); }
await serve.stop(); await fake.stop(); sandbox.cleanup();
