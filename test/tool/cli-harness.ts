// Runs the BUILT CLI (`bin/codetether run`) against the scripted fake model in an isolated temp world:
// its own workspace, data dir, config and HOME. Shared by the end-to-end tests and bench/first-request.ts.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startFakeModel, type FakeModel, type Turn } from "../support/fake-model.ts";

const BIN = resolve(import.meta.dirname, "../../bin/codetether");

export interface CliWorld {
  root: string;
  workspace: string;
  fake: FakeModel;
  /** Runs `codetether run --json -m fake/fake-model <args>`; resolves with the parsed events. */
  run(args: string[]): Promise<CliRun>;
  dispose(): Promise<void>;
}

export interface CliRun {
  code: number | null;
  events: Array<Record<string, any>>;
  stderr: string;
}

export async function createCliWorld(script: Turn[], extraConfig = ""): Promise<CliWorld> {
  const root = mkdtempSync(join(tmpdir(), "codetether-cli-"));
  const workspace = join(root, "workspace");
  const home = join(root, "home");
  mkdirSync(workspace, { recursive: true });
  mkdirSync(home, { recursive: true });
  const fake = await startFakeModel(script);
  const configFile = join(root, "config.toml");
  writeFileSync(configFile, `[providers.fake]\ntype = "openai-compatible"\nbase_url = "${fake.url}/v1"\nmodel = "fake-model"\n${extraConfig}`);
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local/share"),
    CODETETHER_DATA_DIR: join(root, "data"),
    CODETETHER_CONFIG: configFile,
    NO_COLOR: "1",
  };
  return {
    root,
    workspace,
    fake,
    run: (args) => runCli(["run", "--json", "-m", "fake/fake-model", ...args], workspace, env),
    async dispose() {
      await fake.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => {
      const events = stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, any>);
      resolvePromise({ code, events, stderr });
    });
  });
}
