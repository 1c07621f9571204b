// Runs the built `codetether serve` as a subprocess in a sandbox whose model is the scripted fake server,
// on random ports, and hands tests its endpoints and token.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { after, before } from "node:test";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { CLI, fakeProviderToml, makeSandbox, type Sandbox } from "../support/cli.ts";

export const TOKEN = "test-token-0123456789";

export interface Endpoints {
  http: string;
  jsonrpc: string;
  rest: string;
  grpc: string;
  card: string;
  /** Serve's agent id on the bus, and with a shared database its replica id. */
  agent: string;
  replica?: string;
  tokenSource: string;
  tokenFile?: string;
  token?: string;
}

export interface ServeProcess {
  child: ChildProcess;
  endpoints: Endpoints;
  sandbox: Sandbox;
  stderr(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
}

export interface ServeSetup {
  fake: FakeModel;
  /** Reuse a sandbox (restart over the same data dir). */
  sandbox?: Sandbox;
  /** Extra config.toml text after the fake provider. */
  toml?: string;
  /** Extra environment; `CODETETHER_AUTH_TOKEN` is TOKEN unless set to "" here. */
  env?: NodeJS.ProcessEnv;
  args?: string[];
  /** `[server] allow_private_push` (default true: the test webhooks live on loopback). */
  allowPrivatePush?: boolean;
}

export async function startServe(setup: ServeSetup): Promise<ServeProcess> {
  const sandbox = setup.sandbox ?? makeSandbox();
  sandbox.writeConfig(
    `${fakeProviderToml(setup.fake.url)}[server]\nallow_private_push = ${setup.allowPrivatePush ?? true}\n${setup.toml ?? ""}`,
  );
  const env = { ...sandbox.env, CODETETHER_AUTH_TOKEN: TOKEN, ...setup.env };
  const child = spawn(
    process.execPath,
    [CLI, "serve", "--json", "--port", "0", "--grpc-port", "0", "-m", "fake/fake-model", ...(setup.args ?? [])],
    {
      cwd: sandbox.workspace,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    once(lines, "line").then(([line]) => line as string),
    once(child, "exit").then(([code]) => {
      throw new Error(`serve exited with ${code}: ${stderr}`);
    }),
  ]);
  const endpoints = JSON.parse(first) as Endpoints;
  const exited = once(child, "exit");
  return {
    child,
    endpoints,
    sandbox,
    stderr: () => stderr,
    stop: async () => {
      child.kill("SIGTERM");
      const [code] = await exited;
      return code as number | null;
    },
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Polls until `check` returns a value (tests never fail on timing: the limit is generous). */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A response body parsed as JSON, loosely typed on purpose: it is for assertions. */
export async function bodyOf(res: Response): Promise<any> {
  return res.json();
}

/** Registers a file's before/after hooks: one fake model for the file's tests, closed after them. */
export function useFakeModel(): { readonly fake: FakeModel } {
  const running = {} as { fake: FakeModel };
  before(async () => {
    running.fake = await startFakeModel();
  });
  after(() => running.fake.close());
  return running;
}

/** Registers a file's before/after hooks: one fake model and one `serve` subprocess on it, stopped and cleaned up after. */
export function useServe(setup: Omit<ServeSetup, "fake"> = {}): {
  readonly fake: FakeModel;
  readonly serve: ServeProcess;
} {
  const running = {} as { fake: FakeModel; serve: ServeProcess };
  before(async () => {
    running.fake = await startFakeModel();
    running.serve = await startServe({ ...setup, fake: running.fake });
  });
  after(async () => {
    await running.serve.stop();
    await running.fake.close();
    running.serve.sandbox.cleanup();
  });
  return running;
}
