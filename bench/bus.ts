// Bus figures: publish→deliver throughput and latency (in-process and NATS), sub-agent creation time and
// memory per idle registered agent. Prints medians of several runs; never asserts on time.
// Run: node --import tsx bench/bus.ts
import { randomUUID } from "node:crypto";
import { Socket } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { AgentRegistry, createBus, InProcessBus, type AgentBus } from "../src/bus/index.ts";
import { median, nowMs } from "../src/cli/bench/measure.ts";

const RUNS = 5;
const NATS_URL = process.env.CODETETHER_BUS_URL ?? "nats://127.0.0.1:4222";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * p)]!;
const format = (n: number, digits = 1) => n.toLocaleString("en-US", { maximumFractionDigits: digits });

async function medianOf(runs: number, measure: () => Promise<number>): Promise<number> {
  const results: number[] = [];
  for (let i = 0; i < runs; i++) results.push(await measure());
  return median(results);
}

/** Messages per second from the first publish until the subscriber (on `receiver`) has taken them all. */
async function throughput(sender: AgentBus, receiver: AgentBus, count: number): Promise<number> {
  const topic = `swarm.${randomUUID()}`;
  const subscription = receiver.subscribe(topic, { queueSize: count });
  await receiver.flush();
  const started = nowMs();
  for (let i = 0; i < count; i++) sender.publish({ topic, kind: "message", sender: "bench", payload: { i } });
  for (let taken = 0; taken < count; taken++) await subscription.next();
  const elapsed = nowMs() - started;
  subscription.close();
  return count / (elapsed / 1000);
}

/** One message at a time: milliseconds from publish until the subscriber holds it. */
async function latencies(sender: AgentBus, receiver: AgentBus, samples: number): Promise<number[]> {
  const topic = `agent.${randomUUID()}`;
  const subscription = receiver.subscribe(topic);
  await receiver.flush();
  const result: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = nowMs();
    sender.publish({ topic, kind: "message", sender: "bench", payload: i });
    await subscription.next();
    result.push(nowMs() - started);
  }
  subscription.close();
  return result;
}

async function publishFigures(
  label: string,
  open: () => Promise<[AgentBus, AgentBus]>,
  count: number,
  samples: number,
) {
  const [sender, receiver] = await open();
  try {
    await throughput(sender, receiver, Math.min(count, 10_000)); // warm-up
    const rate = await medianOf(RUNS, () => throughput(sender, receiver, count));
    const runs: number[][] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await latencies(sender, receiver, samples));
    const p50 = median(runs.map((run) => median(run)));
    const p99 = median(runs.map((run) => percentile(run, 0.99)));
    console.log(`${label}: ${format(rate, 0)} msg/s (${format(count, 0)} msgs, median of ${RUNS})`);
    console.log(
      `${label}: latency p50 ${format(p50 * 1000)} µs, p99 ${format(p99 * 1000)} µs (${format(samples, 0)} round trips)`,
    );
  } finally {
    await Promise.all([sender.close(), receiver === sender ? undefined : receiver.close()]);
  }
}

async function subAgentFigures(label: string, open: () => Promise<AgentBus>, count: number): Promise<void> {
  const perAgentMs = await medianOf(RUNS, async () => {
    const bus = await open();
    const registry = new AgentRegistry(bus);
    const started = nowMs();
    for (let i = 0; i < count; i++) registry.spawnEphemeral(`sub-${i}`, { skills: [{ id: "search", name: "Search" }] });
    const elapsed = nowMs() - started;
    await bus.close();
    return elapsed / count;
  });
  // One cold creation too: the first sub-agent of a process pays for warm-up.
  const bus = await open();
  const registry = new AgentRegistry(bus);
  const started = nowMs();
  registry.spawnEphemeral("first");
  const firstMs = nowMs() - started;
  console.log(
    `${label}: sub-agent (handle + ephemeral card + join announcement): ${format(perAgentMs * 1000, 2)} µs each (median of ${RUNS} × ${format(count, 0)}), cold ${format(firstMs * 1000)} µs`,
  );

  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) registry.spawnEphemeral(`idle-${i}`, { skills: [{ id: "search", name: "Search" }] });
  await bus.flush();
  gc();
  const perAgent = (process.memoryUsage().heapUsed - before) / count;
  console.log(
    `${label}: memory per idle registered agent (card + handle + inbox subscription): ${format(perAgent / 1024, 2)} KiB`,
  );
  await bus.close();
}

function natsReachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url.split(",")[0]!);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => (socket.destroy(), resolve(ok));
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(Number(port || 4222), hostname, () => done(true));
  });
}

console.log(`bus benchmark — node ${process.version}`);
await publishFigures(
  "in-process",
  async () => {
    const bus = new InProcessBus();
    return [bus, bus];
  },
  200_000,
  10_000,
);
await subAgentFigures("in-process", async () => new InProcessBus(), 10_000);
if (await natsReachable(NATS_URL)) {
  const subjectPrefix = `ctbench_${randomUUID().replaceAll("-", "")}`;
  await publishFigures(
    "nats (publisher and subscriber on separate connections)",
    async () => Promise.all([createBus({ url: NATS_URL, subjectPrefix }), createBus({ url: NATS_URL, subjectPrefix })]),
    100_000,
    2_000,
  );
  await subAgentFigures("nats", () => createBus({ url: NATS_URL, subjectPrefix }), 2_000);
} else {
  console.log(`nats: skipped, no server reachable at ${NATS_URL}`);
}
