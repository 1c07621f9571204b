// TUI figures: time from `codetether tui` starting to its first frame in a real pseudo-terminal, and the
// memory of a 200-message session (the TUI should keep no more than the text it has printed).
// Run: npm run build && node --import tsx bench/tui.ts
import { spawn } from "node:child_process";
import { register } from "node:module";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { EventEmitter } from "node:events";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { CLI, fakeProviderToml, makeSandbox } from "../test/support/cli.ts";
import { startFakeModel } from "../test/support/fake-model.ts";
import { median } from "../src/cli/bench/measure.ts";

const RUNS = 7;
const TURNS = 600; // a user message and an answer each: 1,200 messages
const REPORTED_AT = 200; // the issue's figure: RSS after a 200-message session
// Growth is measured from here on: by then the JIT has compiled the hot paths (its code is most of the
// early growth) and the bounded buffers (the inspector's 1,000 rows, Node's 250 resource timings) are full.
const GROWTH_FROM = 600;

// The agent core imports prompts as text, as the bundle does (see scripts/text-hooks.mjs).
register("../scripts/text-loader.mjs", import.meta.url);
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Milliseconds from spawn until the first frame (the prompt box) is written to the terminal. */
async function timeToFirstFrame(env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    // `script` gives the CLI a real pseudo-terminal, as a user's terminal would.
    const child = spawn("script", ["-qfec", `${process.execPath} ${CLI} tui -m fake/fake-model`, "/dev/null"], {
      cwd,
      env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    const timer = setTimeout(() => finish(new Error(`no first frame in 20 s; output: ${out.slice(-500)}`)), 20_000);
    function finish(error?: Error) {
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      if (error) reject(error);
    }
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (out.includes("Ask anything")) {
        resolve(performance.now() - start);
        finish();
      }
    });
    child.on("error", (error) => finish(error));
    child.on("exit", () => finish(new Error(`codetether tui exited before its first frame: ${out.slice(-500)}`)));
  });
}

async function firstFrameFigures(): Promise<void> {
  const fake = await startFakeModel();
  const sandbox = makeSandbox();
  try {
    sandbox.writeConfig(fakeProviderToml(fake.url));
    const env: NodeJS.ProcessEnv = { ...sandbox.env, TERM: "xterm-256color" };
    delete env.CI;
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await timeToFirstFrame(env, sandbox.workspace));
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await new Promise((resolve) => spawn(process.execPath, ["-e", ""]).on("close", resolve));
      bare.push(performance.now() - start);
    }
    console.log(
      `time to first frame (codetether tui, pty, ${RUNS} runs): median ${median(times).toFixed(0)} ms  (bare node: ${median(bare).toFixed(0)} ms)`,
    );
  } finally {
    await fake.close();
    sandbox.cleanup();
  }
}

/** A terminal that swallows output: ink renders for real, nothing is kept. */
class NullTerminal extends Writable {
  isTTY = true;
  columns = 100;
  rows = 30;
  override _write(_chunk: unknown, _encoding: BufferEncoding, done: () => void): void {
    done();
  }
}

class IdleInput extends EventEmitter {
  isTTY = true;
  setRawMode() {}
  setEncoding() {}
  ref() {}
  unref() {}
  resume() {}
  pause() {}
  read() {
    return null;
  }
}

/** The scripted fake model in its own process, so its request log does not count in this one's memory. */
async function startFakeModelProcess(script: string[], dir: string): Promise<{ url: string; stop(): void }> {
  const file = join(dir, "script.json");
  writeFileSync(file, JSON.stringify(script));
  const child = spawn(process.execPath, [new URL("../dist/scripted-model.js", import.meta.url).pathname, file], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout
      .setEncoding("utf8")
      .once("data", (line: string) => resolve((JSON.parse(line.split("\n")[0]!) as { url: string }).url));
    child.on("error", reject);
  });
  child.stdout.resume();
  return { url, stop: () => child.kill() };
}

/** Memory of a session driven through the UI, or through the session alone (to tell the UI's share). */
async function memoryFigures(withUi: boolean): Promise<void> {
  const { loadInk } = await import("../src/tui/start-tui.ts");
  const [
    { render, App, createElement },
    { TuiSession },
    { ThemeStore },
    { PromptHistory },
    { FileIndex },
    { configSchema },
  ] = await Promise.all([
    loadInk(),
    import("../src/tui/session/tui-session.ts"),
    import("../src/tui/theme/theme-store.ts"),
    import("../src/tui/input/history.ts"),
    import("../src/tui/input/mentions.ts"),
    import("../src/config/schema.ts"),
  ]);
  // Every answer is different, as in a real session (identical texts would hide per-text caches).
  const answer = (turn: number) =>
    `Here is change ${turn}.\n\n\`\`\`ts\n${`export const value${turn} = compute(${turn}); // explained\n`.repeat(12)}\`\`\`\n\n${`The reasoning behind change ${turn}, in a paragraph of prose. `.repeat(8)}`;
  const root = mkdtempSync(join(tmpdir(), "bench-tui-"));
  const workspace = join(root, "workspace");
  mkdirSync(workspace);
  const fake = await startFakeModelProcess(
    Array.from({ length: TURNS }, (_, turn) => answer(turn)),
    root,
  );
  try {
    const config = configSchema.parse({
      providers: { fake: { type: "openai-compatible", base_url: `${fake.url}/v1`, model: "fake-model" } },
    });
    const session = await TuiSession.open({
      config,
      dataDir: join(root, "data"),
      workspace,
      modelRef: "fake/fake-model",
    });
    const themes = new ThemeStore({
      configPath: join(root, "config.toml"),
      initial: "marketing",
      color: true,
      dir: join(root, "themes"),
      onError: () => {},
    });
    const app = !withUi
      ? { unmount() {} }
      : render(
          createElement(App, {
            session,
            themes,
            history: new PromptHistory(join(root, "history")),
            files: new FileIndex(workspace),
          }),
          {
            stdout: new NullTerminal() as unknown as NodeJS.WriteStream,
            stdin: new IdleInput() as unknown as NodeJS.ReadStream,
            exitOnCtrlC: false,
            patchConsole: false,
          },
        );
    const sample = () => {
      gc();
      gc();
      const { rss, heapUsed } = process.memoryUsage();
      return { rss, heapUsed };
    };
    // The first turn loads the provider SDK; measure from after it.
    await session.submit("warm up");
    const samples: Array<{ messages: number; rss: number; heapUsed: number }> = [];
    const turnTimes: number[] = [];
    for (let turn = 1; turn < TURNS; turn++) {
      const start = performance.now();
      await session.submit(`request number ${turn}: please change the value`);
      turnTimes.push(performance.now() - start);
      const messages = (turn + 1) * 2;
      if (turn === 1 || messages === REPORTED_AT || messages === GROWTH_FROM || turn === TURNS - 1)
        samples.push({ messages, ...sample() });
    }
    app.unmount();
    await session.close();
    const textPerMessage = (answer(TURNS).length + 40) / 2;
    const reported = samples.find((s) => s.messages === REPORTED_AT)!;
    const first = samples.find((s) => s.messages === GROWTH_FROM)!;
    const last = samples.at(-1)!;
    const perMessage = (bytes: number) => (bytes / (last.messages - first.messages)).toFixed(0);
    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    console.log(
      withUi
        ? "session driven through the UI (ink, 100×30 terminal):"
        : "the same session without the UI (agent core and store only):",
    );
    for (const s of samples)
      console.log(
        `  after ${String(s.messages).padStart(3)} messages: rss ${mib(s.rss)} MiB, heap ${mib(s.heapUsed)} MiB`,
      );
    console.log(
      `  ${REPORTED_AT} messages: rss ${mib(reported.rss)} MiB; growth per message from ${first.messages} to ${last.messages}: heap ${perMessage(last.heapUsed - first.heapUsed)} B, rss ${perMessage(last.rss - first.rss)} B (text per message ≈ ${textPerMessage.toFixed(0)} B); turn median ${median(turnTimes).toFixed(0)} ms`,
    );
  } finally {
    fake.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

await firstFrameFigures();
await memoryFigures(true);
await memoryFigures(false);
