// Runs the built CLI (`bin/codetether` → dist/) as a subprocess in an isolated sandbox: temp HOME,
// config, data dir and workspace, with a provider `fake` pointing at a scripted fake model.
import { spawn } from "node:child_process";
import { afterEach, beforeEach } from "node:test";
import { startFakeModel, type FakeModel } from "./fake-model.ts";
import { createIsolatedHome, type IsolatedHome } from "../../src/cli/bench/isolated-home.ts";

export const CLI = new URL("../../bin/codetether", import.meta.url).pathname;

export type Sandbox = IsolatedHome;

/** The config.toml lines that make `-m fake/fake-model` talk to the fake model in the given format. */
export function fakeProviderToml(
  baseUrl: string,
  kind: "openai-compatible" | "openai" | "anthropic" | "google" = "openai-compatible",
): string {
  if (kind === "openai-compatible")
    return `[providers.fake]\ntype = "openai-compatible"\nbase_url = "${baseUrl}/v1"\nmodel = "fake-model"\n`;
  const path = kind === "google" ? "v1beta" : "v1";
  return `[providers.${kind}]\nbase_url = "${baseUrl}/${path}"\n`;
}

/** A temp home for the CLI: the one `codetether bench` uses (src/cli/bench/isolated-home.ts). */
export function makeSandbox(): Sandbox {
  return createIsolatedHome("codetether-test-");
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Called once with the child, e.g. to send it a signal mid-run. */
  onSpawn?: (child: import("node:child_process").ChildProcess) => void;
}

/** Runs `codetether <args>` in the sandbox and collects its output. */
export function runCli(sandbox: Sandbox, args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? sandbox.workspace,
      env: { ...sandbox.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    options.onSpawn?.(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Parses `--json` output: one event per line. */
export function jsonLines(stdout: string): Array<Record<string, any>> {
  return stdout
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}

/**
 * Registers beforeEach/afterEach hooks giving every test a fresh scripted fake model and sandbox;
 * with `configure`, the sandbox's config.toml points provider `fake` at the model.
 */
export function useFakeModelSandbox(options: { configure?: boolean } = {}): {
  readonly fake: FakeModel;
  readonly sandbox: Sandbox;
} {
  const current = {} as { fake: FakeModel; sandbox: Sandbox };
  beforeEach(async () => {
    current.fake = await startFakeModel();
    current.sandbox = makeSandbox();
    if (options.configure) current.sandbox.writeConfig(fakeProviderToml(current.fake.url));
  });
  afterEach(async () => {
    await current.fake.close();
    current.sandbox.cleanup();
  });
  return current;
}
