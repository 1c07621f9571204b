// `codetether serve` under many concurrent streaming tasks: SendStreamingMessage (JSON-RPC 1.0, SSE) against a
// slow scripted model (each answer streams for several seconds), at 50, 200 and 500 tasks in flight.
// Per level: RSS per in-flight task (peak while streaming minus RSS before the level, / N), serve's event-loop
// delay p99 (how late its timer ran) and busy share (serve reports them on stderr when CODETETHER_LOOP_DELAY_REPORT_MS
// is set: bench-only), the client's
// time to the first event and to the first status update (p50/p99), and tasks that did not complete.
// Never asserts on time. Run: npm run build && node --import tsx bench/serve-streams.ts
// BENCH_STREAM_LEVELS="50 200 500", BENCH_STREAM_CHUNKS (events per answer), BENCH_STREAM_CHUNK_MS (delay between),
// BENCH_STREAM_RAMP_MS: the N tasks of a level start evenly over this long (default one answer's duration, so N are
// in flight at the plateau without N requests landing in the same millisecond); 0 starts them all at once.
// BENCH_STREAM_WARMUP (default 200): tasks run first, WARMUP_CALLERS at a time with answers of the same events
// WARMUP_CHUNK_MS apart, so that the levels measure serve with its code compiled by V8 (as bench/serve.ts does): after
// only 10 warm-up tasks the first level's CPU per task was 1.5–3× the steady figure. Serve's heap is larger after
// them (RSS ~140–185 MiB before the first level, ~80 after 10 tasks), so a small first level may not grow it much:
// RSS per task is best read at 200 and 500.
// BENCH_STREAM_STOP_MS: serve is stopped (SIGSTOP) this long as each level starts, its tasks sent meanwhile, as a
// stall of serve's event loop would hold them (no task may fail or be lost for it).
// Serve's own view of each request (bench/serve-request-timing.mjs, preloaded): p99 from the client's send to serve
// accepting the connection (those that opened one), to serve seeing the request, and to its first byte.
import { writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { median, nowMs, percentile } from "../src/cli/bench/measure.ts";
import { cpuTimeMs, rssMiB, startJsonLineProcess, type JsonLineProcess } from "../src/cli/bench/processes.ts";
import { loopLateness, type LoopDelayLine } from "../src/cli/serve/loop-delay-report.ts";
import { SERVER_NODE_FLAGS } from "../src/cli/serve/node-flags.ts";
import { CLI, fakeProviderToml, makeSandbox } from "../test/support/cli.ts";

const LEVELS = (process.env.BENCH_STREAM_LEVELS ?? "50 200 500").split(" ").filter(Boolean).map(Number);
const CHUNKS = Number(process.env.BENCH_STREAM_CHUNKS ?? 16);
const CHUNK_MS = Number(process.env.BENCH_STREAM_CHUNK_MS ?? 250);
const WARMUP = Number(process.env.BENCH_STREAM_WARMUP ?? 200);
const WARMUP_CALLERS = 20;
const WARMUP_CHUNK_MS = Math.min(CHUNK_MS, 20);
const TOKEN = "bench-token";
const LOOP_PERIOD_MS = 250;
const RAMP_MS = Number(process.env.BENCH_STREAM_RAMP_MS ?? CHUNKS * CHUNK_MS);
const STOP_MS = Number(process.env.BENCH_STREAM_STOP_MS ?? 0);

// One turn per task: CHUNKS text deltas (3 words each, see textChunks) with CHUNK_MS between events.
const sandbox = makeSandbox();
const words = Array.from({ length: CHUNKS * 3 }, (_, i) => `word${i}`).join(" ");
const turns = LEVELS.reduce((sum, n) => sum + n, 0);
const scriptFile = join(sandbox.root, "streams-script.json");
const turn = (chunkDelayMs: number) => ({ items: [{ text: words }], chunkDelayMs });
writeFileSync(
  scriptFile,
  JSON.stringify([
    ...Array.from({ length: WARMUP }, () => turn(WARMUP_CHUNK_MS)),
    ...Array.from({ length: turns }, () => turn(CHUNK_MS)),
  ]),
);
const fake = await startJsonLineProcess([new URL("../dist/scripted-model.js", import.meta.url).pathname, scriptFile]);
sandbox.writeConfig(fakeProviderToml(fake.info.url!));

// Serve runs as the image runs it (SERVER_NODE_FLAGS); BENCH_SERVE_NODE_ARGS adds node flags (later ones win).
const serveNodeArgs = [
  ...SERVER_NODE_FLAGS,
  "--import",
  new URL("./serve-request-timing.mjs", import.meta.url).pathname,
  ...(process.env.BENCH_SERVE_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
];
const serve: JsonLineProcess = await startJsonLineProcess(
  [...serveNodeArgs, CLI, "serve", "--json", "--port", "0", "--grpc-port", "0", "-m", "fake/fake-model"],
  {
    cwd: sandbox.workspace,
    env: { ...sandbox.env, CODETETHER_AUTH_TOKEN: TOKEN, CODETETHER_LOOP_DELAY_REPORT_MS: String(LOOP_PERIOD_MS) },
  },
);
const loopDelays: Array<{ at: number; p99: number; max: number; utilization: number }> = [];
/** Serve's timings of the requests (see bench/serve-request-timing.mjs), ms since the epoch. */
const requestTimings: Array<{ sentAt: number; acceptedAt?: number; seenAt: number; firstByteAt: number }> = [];
createInterface({ input: serve.child.stderr! }).on("line", (line) => {
  if (line.startsWith('{"benchRequest"')) requestTimings.push(JSON.parse(line).benchRequest);
  if (!line.startsWith('{"loopDelayMs"')) return;
  const { loopDelayMs, utilization } = JSON.parse(line) as LoopDelayLine;
  loopDelays.push({ at: nowMs(), p99: loopDelayMs.p99, max: loopDelayMs.max, utilization });
});

interface StreamFigures {
  firstEventMs: number;
  firstStatusMs: number;
  /** Status updates the stream carried (serve paces the streamed text's updates under load). */
  statusUpdates: number;
  state: string;
}

let inFlight = 0;
let mostInFlight = 0;
async function streamTask(i: number): Promise<StreamFigures> {
  mostInFlight = Math.max(mostInFlight, ++inFlight);
  try {
    return await streamOne(i);
  } finally {
    inFlight--;
  }
}

/**
 * One SendStreamingMessage: reads the SSE stream to its end; times its first event and first status update.
 * On node:http with kept-alive connections: undici's fetch and its web streams cost this client twice the CPU, on
 * the cores serve runs on.
 */
function streamOne(i: number): Promise<StreamFigures> {
  const t0 = nowMs();
  const figures: StreamFigures = { firstEventMs: NaN, firstStatusMs: NaN, statusUpdates: 0, state: "no answer" };
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: i,
    method: "SendStreamingMessage",
    params: { message: { messageId: `s-${process.pid}-${i}`, role: "ROLE_USER", parts: [{ text: "stream" }] } },
  });
  return new Promise((resolve, reject) => {
    const req = request(
      serve.info.jsonrpc!,
      {
        method: "POST",
        agent: keepAlive,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "a2a-version": "1.0",
          authorization: `Bearer ${TOKEN}`,
          "x-bench-sent-at": String(epochMs()),
        },
      },
      (res) => {
        figures.state = `HTTP ${res.statusCode}`;
        res.setEncoding("utf8");
        let buffer = "";
        res.on("data", (chunk: string) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            readEvent(buffer.slice(0, end), figures, t0);
            buffer = buffer.slice(end + 2);
          }
        });
        res.on("end", () => resolve(figures));
        res.on("error", reject);
        // A stream cut before its end: 'end' never comes.
        res.on("close", () => res.complete || reject(new Error("the stream was cut before its end")));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: Infinity });

/** One SSE event of the stream: counts it into the task's figures. */
function readEvent(event: string, figures: StreamFigures, t0: number): void {
  const data = event
    .split("\n")
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5))
    .join("\n");
  if (!data) return;
  const { result, error } = JSON.parse(data);
  if (error) figures.state = `error ${error.message}`;
  if (Number.isNaN(figures.firstEventMs)) figures.firstEventMs = nowMs() - t0;
  const status = result?.statusUpdate?.status ?? result?.task?.status;
  if (result?.statusUpdate) figures.statusUpdates++;
  if (result?.statusUpdate && Number.isNaN(figures.firstStatusMs)) figures.firstStatusMs = nowMs() - t0;
  if (status?.state) figures.state = status.state;
  // A failed task says why in its status message: kept for the report.
  if (status?.state === "TASK_STATE_FAILED") figures.state += `: ${status.message?.parts?.[0]?.text ?? ""}`;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const percent = (share: number) => `${Math.round(share * 100)}%`;
const epochMs = () => performance.timeOrigin + performance.now();
/** p99 of serve's timings of the requests sent between `from` and `to` (epoch ms): send → accept, → seen, → first byte. */
function serveView(from: number, to: number): string {
  const sent = requestTimings.filter((t) => t.sentAt >= from && t.sentAt <= to);
  const p99 = (values: number[]) =>
    ms(
      percentile(
        values.sort((a, b) => a - b),
        0.99,
      ),
    );
  const opened = sent.filter((t) => t.acceptedAt !== undefined);
  return (
    `serve's view p99: accepted ${p99(opened.map((t) => t.acceptedAt! - t.sentAt))} (${opened.length} new connections),` +
    ` request seen ${p99(sent.map((t) => t.seenAt - t.sentAt))}, first byte ${p99(sent.map((t) => t.firstByteAt - t.sentAt))} after the send`
  );
}
try {
  let warmed = 0;
  await Promise.all(
    Array.from({ length: WARMUP_CALLERS }, async () => {
      while (warmed < WARMUP) await streamTask(-1 - warmed++);
    }),
  );
  await sleep(2000);
  const idle = rssMiB(serve.child.pid!);
  console.log(
    `serve streaming: ${CHUNKS} events × ${CHUNK_MS} ms per answer (~${((CHUNKS * CHUNK_MS) / 1000).toFixed(1)} s), each level's tasks started over ${RAMP_MS} ms; RSS after ${WARMUP} warm-up tasks ${idle.toFixed(1)} MiB`,
  );
  let next = 0;
  for (const n of LEVELS) {
    const before = rssMiB(serve.child.pid!);
    mostInFlight = 0;
    const cpuBefore = cpuTimeMs(serve.child.pid!);
    // The load's own CPU on the same cores: this client's SSE reading and the scripted model's streaming.
    const loadCpuBefore = process.cpuUsage();
    const modelCpuBefore = cpuTimeMs(fake.child.pid!);
    // This client's own event-loop delay: the times it measures are late by about as much.
    const clientDelay = loopLateness();
    const started = nowMs();
    const startedAt = epochMs();
    let peak = before;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, rssMiB(serve.child.pid!));
        await sleep(100);
      }
    })();
    let stall: Promise<unknown> | undefined;
    if (STOP_MS > 0) {
      serve.child.kill("SIGSTOP");
      stall = sleep(STOP_MS).then(() => serve.child.kill("SIGCONT"));
    }
    const results = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        await sleep((RAMP_MS * i) / n);
        // A task lost before its end (no answer, a cut stream): why.
        return streamTask(next++).catch((error: Error) => ({
          firstEventMs: NaN,
          firstStatusMs: NaN,
          statusUpdates: 0,
          state: `lost: ${error.message}`,
        }));
      }),
    );
    sampling = false;
    await Promise.all([sampler, stall]);
    const ended = nowMs();
    const cpuPerTask = (cpuTimeMs(serve.child.pid!) - cpuBefore) / n;
    const clientCpu = process.cpuUsage(loadCpuBefore);
    clientDelay.stop();
    const clientCpuPerTask = (clientCpu.user + clientCpu.system) / 1000 / n;
    const modelCpuPerTask = (cpuTimeMs(fake.child.pid!) - modelCpuBefore) / n;
    const sorted = (key: "firstEventMs" | "firstStatusMs") =>
      results
        .map((r) => r[key])
        .filter((v) => !Number.isNaN(v))
        .sort((a, b) => a - b);
    const firstEvent = sorted("firstEventMs");
    const firstStatus = sorted("firstStatusMs");
    const delays = loopDelays.filter((d) => d.at >= started && d.at <= ended + LOOP_PERIOD_MS);
    const failed = results.filter((r) => r.state !== "TASK_STATE_COMPLETED");
    for (const reason of new Set(failed.map((r) => r.state))) {
      const count = failed.filter((r) => r.state === reason).length;
      process.stderr.write(`not completed (${count} of ${n}): ${reason}\n`);
    }
    console.log(
      `  ${String(n).padStart(3)} tasks (at most ${mostInFlight} in flight): RSS ${before.toFixed(1)} → ${peak.toFixed(1)} MiB = ${((peak - before) / n).toFixed(3)} MiB/task` +
        ` (vs warm idle ${((peak - idle) / n).toFixed(3)})` +
        `   loop delay p99 ${ms(median(delays.map((d) => d.p99)))} median / ${ms(Math.max(...delays.map((d) => d.p99)))} worst ${LOOP_PERIOD_MS} ms window, max ${ms(Math.max(...delays.map((d) => d.max)))}` +
        `, loop busy ${percent(median(delays.map((d) => d.utilization)))} median / ${percent(Math.max(...delays.map((d) => d.utilization)))} busiest window` +
        `   first event p50 ${ms(percentile(firstEvent, 0.5))} p99 ${ms(percentile(firstEvent, 0.99))}` +
        `   first status p50 ${ms(percentile(firstStatus, 0.5))} p99 ${ms(percentile(firstStatus, 0.99))}` +
        ` (${serveView(startedAt, epochMs())})` +
        `   status updates per task ${median(results.map((r) => r.statusUpdates))} median` +
        `   serve CPU ${cpuPerTask.toFixed(1)} ms/task (client ${clientCpuPerTask.toFixed(1)}, model ${modelCpuPerTask.toFixed(1)}; client loop delay p99 ${ms(clientDelay.lateMs(99))} max ${ms(clientDelay.maxMs())})   wall ${((ended - started) / 1000).toFixed(1)} s   not completed ${failed.length}/${n}` +
        (failed.length ? ` (${[...new Set(failed.map((r) => r.state))].slice(0, 3).join("; ")})` : ""),
    );
    await sleep(2000);
  }
} finally {
  await Promise.all([serve.stop(), fake.stop()]);
  sandbox.cleanup();
}
