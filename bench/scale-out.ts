// Scale-out figures: blocking SendMessage (1.0 JSON-RPC) tasks/s and p50/p99 latency with the scripted model
// answering at once, side by side in one run for (a) one serve on SQLite, (b) one serve on PostgreSQL and
// (c) two serves on one PostgreSQL database with the callers spread over both. Rounds alternate between the
// setups; medians are printed. Needs PostgreSQL (CODETETHER_TEST_DATABASE_URL or the local default); says so
// in one line when it is unreachable. Never asserts on time.
// Run: npm run build && node --import tsx bench/scale-out.ts   (BENCH_REQUESTS, BENCH_ROUNDS to change the load)
import { sendMessageLoad, type LoadTarget } from "../src/cli/bench/a2a-load.ts";
import { median } from "../src/cli/bench/measure.ts";
import { startJsonLineProcess, type JsonLineProcess } from "../src/cli/bench/processes.ts";
import { SERVER_NODE_FLAGS } from "../src/cli/serve/node-flags.ts";
import { CLI, fakeProviderToml, makeSandbox, type Sandbox } from "../test/support/cli.ts";
import { freshDatabase, postgresUnavailableReason } from "../test/postgres/pg-fixture.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const WARMUP = 200;
/** The same number of callers for every setup: with two replicas, half of them call each. */
const CALLERS = 8;
const TOKEN = "bench-token";

const unreachable = await postgresUnavailableReason();
if (unreachable) {
  console.log(`scale-out: not measured: ${unreachable}`);
  process.exit(0);
}

const fake = await startJsonLineProcess([new URL("../dist/scripted-model.js", import.meta.url).pathname]);
const sandboxes: Sandbox[] = [];
const replicas: JsonLineProcess[] = [];
const databases: Array<Awaited<ReturnType<typeof freshDatabase>>> = [];

/** One serve in a sandbox of its own (own data dir), on `databaseUrl` when given, else on SQLite. */
async function startReplica(databaseUrl?: string): Promise<LoadTarget> {
  const sandbox = makeSandbox();
  sandboxes.push(sandbox);
  sandbox.writeConfig(fakeProviderToml(fake.info.url!));
  const serve = await startJsonLineProcess(
    [...SERVER_NODE_FLAGS, CLI, "serve", "--json", "--port", "0", "--grpc-port", "0", "-m", "fake/fake-model"],
    {
      cwd: sandbox.workspace,
      env: {
        ...sandbox.env,
        CODETETHER_AUTH_TOKEN: TOKEN,
        ...(databaseUrl ? { CODETETHER_DATABASE_URL: databaseUrl } : {}),
      },
    },
  );
  replicas.push(serve);
  return { url: serve.info.jsonrpc!, headers: { authorization: `Bearer ${TOKEN}` } };
}

async function postgresReplicas(count: number): Promise<LoadTarget[]> {
  const database = await freshDatabase();
  databases.push(database);
  const targets: LoadTarget[] = [];
  // One after the other: the first migrates the fresh database.
  for (let i = 0; i < count; i++) targets.push(await startReplica(database.url));
  return targets;
}

try {
  const setups = [
    { name: "(a) 1 replica, SQLite", targets: [await startReplica()] },
    { name: "(b) 1 replica, PostgreSQL", targets: await postgresReplicas(1) },
    { name: "(c) 2 replicas, one PostgreSQL database", targets: await postgresReplicas(2) },
  ];
  const figures = setups.map(() => ({ rps: [] as number[], p50: [] as number[], p99: [] as number[] }));
  for (const setup of setups)
    await sendMessageLoad(setup.targets, WARMUP, CALLERS).catch((error: Error) =>
      Promise.reject(new Error(`${setup.name}: ${error.message}`)),
    );
  for (let round = 0; round < ROUNDS; round++)
    for (const [i, setup] of setups.entries()) {
      const load = await sendMessageLoad(setup.targets, REQUESTS, CALLERS);
      figures[i]!.rps.push(load.requestsPerSecond);
      figures[i]!.p50.push(load.p50Ms);
      figures[i]!.p99.push(load.p99Ms);
    }

  console.log(
    `blocking SendMessage, JSON-RPC 1.0, scripted model answering at once, ${CALLERS} callers, median of ${ROUNDS} rounds × ${REQUESTS} tasks:`,
  );
  for (const [i, setup] of setups.entries()) {
    const f = figures[i]!;
    console.log(
      `  ${setup.name.padEnd(42)} ${median(f.rps).toFixed(0).padStart(6)} tasks/s   p50 ${median(f.p50).toFixed(2)} ms   p99 ${median(f.p99).toFixed(2)} ms`,
    );
  }
} finally {
  await Promise.all([...replicas.map((serve) => serve.stop()), fake.stop()]);
  await Promise.all(databases.map((database) => database.drop()));
  for (const sandbox of sandboxes) sandbox.cleanup();
}
