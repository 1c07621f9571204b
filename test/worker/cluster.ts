// A loopback cluster for the fault tests: the built `codetether serve` (via test/a2a/serve-process.ts)
// plus `codetether worker` processes, each in its own sandbox, all serving one shared workspace whose
// ledger file counts side effects. The fake model answers each task with a bash call appending its tag.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FakeModel, RecordedRequest, Turn } from "../support/fake-model.ts";
import { CLI, fakeProviderToml, makeSandbox, type Sandbox } from "../support/cli.ts";
import { TOKEN, type ServeProcess } from "../a2a/serve-process.ts";

export { TOKEN };

/** Short intervals so lapses and reconnects happen within a test; generous enough never to fire by accident. */
export const FAST_SERVER_TOML = "worker_heartbeat_timeout_secs = 3\nstream_keepalive_secs = 0.5\n";

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  sandbox: Sandbox;
  stderr(): string;
  kill(): Promise<void>;
  stop(): Promise<number | null>;
}

export interface WorkerSetup {
  fake: FakeModel;
  server: string;
  name: string;
  workspace: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Start the probe server (on a free loopback port) instead of --no-http-server. */
  probe?: boolean;
  /** Reuse a stopped worker's sandbox (its data dir holds the worker id and stream cursor). */
  sandbox?: Sandbox;
  /** Extra config.toml text. */
  toml?: string;
}

export function startWorker(setup: WorkerSetup): WorkerProcess {
  const sandbox = setup.sandbox ?? makeSandbox();
  sandbox.writeConfig(`${fakeProviderToml(setup.fake.url)}[default]\nmodel = "fake/fake-model"\n${setup.toml ?? ""}`);
  const child = spawn(
    process.execPath,
    [
      CLI,
      "worker",
      "--server",
      setup.server,
      "--token",
      TOKEN,
      "--name",
      setup.name,
      "--workspaces",
      setup.workspace,
      "--auto-approve",
      "all",
      ...(setup.probe ? ["--hostname", "127.0.0.1", "--port", "0"] : ["--no-http-server"]),
      ...(setup.args ?? []),
    ],
    {
      cwd: sandbox.workspace,
      env: {
        ...sandbox.env,
        CODETETHER_WORKER_HEARTBEAT_INTERVAL_SECS: "0.3",
        CODETETHER_WORKER_COGNITION_SHARE_ENABLED: "false",
        ...setup.env,
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = once(child, "exit");
  return {
    name: setup.name,
    child,
    sandbox,
    stderr: () => stderr,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const [code] = await exited;
      return code as number | null;
    },
  };
}

/** A shared workspace with the ledger every task appends its tag to. */
export function sharedWorkspace(root: string): { path: string; ledger(): string[] } {
  const path = join(root, "shared");
  mkdirSync(path, { recursive: true });
  return {
    path,
    ledger: () => {
      try {
        return readFileSync(join(path, "ledger.txt"), "utf8").split("\n").filter(Boolean);
      } catch {
        return [];
      }
    },
  };
}

export const tagOf = (n: number) => `task-${String(n).padStart(3, "0")}`;

const hasToolResult = (request: RecordedRequest) =>
  JSON.stringify(request.body?.messages ?? []).includes('"role":"tool"');
const isFor = (tag: string) => (request: RecordedRequest) => (request.prompt.users.at(-1) ?? "").includes(`[${tag}]`);

/** The fake model's turns for one task: append the tag to the ledger with bash, then answer. */
export function ledgerTurns(tag: string, options: { hangFirst?: boolean; delayMs?: number } = {}): Turn[] {
  const first = (request: RecordedRequest) => isFor(tag)(request) && !hasToolResult(request);
  const turns: Turn[] = [
    {
      match: first,
      delayMs: options.delayMs,
      items: [{ tool: "bash", input: { command: `echo ${tag} >> ledger.txt` } }],
    },
    {
      match: (request: RecordedRequest) => isFor(tag)(request) && hasToolResult(request),
      delayMs: options.delayMs,
      items: [{ text: `done ${tag}` }],
    },
  ];
  return options.hangFirst ? [{ match: first, hang: true, items: [{ text: "thinking" }] } as Turn, ...turns] : turns;
}

export const promptOf = (tag: string) => `[${tag}] append your tag to the ledger`;

/** An authenticated JSON call to serve; returns status and parsed body. */
export async function api(
  serve: ServeProcess | string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const base = typeof serve === "string" ? serve : serve.endpoints.http;
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Left as text.
  }
  return { status: res.status, body: parsed };
}

export async function createTask(serve: ServeProcess | string, tag: string): Promise<string> {
  const { status, body } = await api(serve, "POST", "/v1/agent/tasks", { prompt: promptOf(tag), workspace: "shared" });
  if (status !== 201) throw new Error(`create task: ${status} ${JSON.stringify(body)}`);
  return body.task.id as string;
}

export async function tasksByStatus(serve: ServeProcess | string): Promise<Record<string, any[]>> {
  const { body } = await api(serve, "GET", "/v1/agent/tasks");
  const groups: Record<string, any[]> = {};
  for (const task of body.tasks as any[]) (groups[task.status] ??= []).push(task);
  return groups;
}
