// Runs the built `codetether spawn` as a subprocess on a chosen port and hands tests its endpoints.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { CLI, type Sandbox } from "../support/cli.ts";

export const TOKEN = "spawn-test-token-0123456789";

export interface SpawnedPeer {
  name: string;
  child: ChildProcess;
  http: string;
  jsonrpc: string;
  dataDir: string;
  stderr(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
}

/** A loopback port free right now (peers must know each other's port before either starts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startSpawn(
  sandbox: Sandbox,
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<SpawnedPeer> {
  const child = spawn(process.execPath, [CLI, "spawn", "--name", name, "--json", "-m", "fake/fake-model", ...args], {
    cwd: sandbox.workspace,
    env: { ...sandbox.env, CODETETHER_AUTH_TOKEN: TOKEN, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    once(lines, "line").then(([line]) => line as string),
    once(child, "exit").then(([code]) => {
      throw new Error(`spawn ${name} exited with ${code}: ${stderr}`);
    }),
  ]);
  const listening = JSON.parse(first) as { http: string; jsonrpc: string; dataDir: string };
  const exited = once(child, "exit");
  return {
    name,
    child,
    ...listening,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const [code] = await exited;
      return code as number | null;
    },
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** GET with the shared token, parsed as JSON. */
export async function getJson(url: string): Promise<any> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return response.json();
}
