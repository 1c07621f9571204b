// The built CLI against the scripted fake model in a sandbox (test/support/cli.ts), for the tool
// end-to-end tests and bench/first-request.ts.
import { fakeProviderToml, jsonLines, makeSandbox, runCli, type Sandbox } from "../support/cli.ts";
import { startFakeModel, type FakeModel, type Turn } from "../support/fake-model.ts";

export interface CliWorld {
  sandbox: Sandbox;
  workspace: string;
  fake: FakeModel;
  /** Runs `codetether run --json -m fake/fake-model <args>` and parses its events. */
  run(args: string[]): Promise<{ code: number | null; events: Array<Record<string, any>>; stderr: string }>;
  dispose(): Promise<void>;
}

export async function createCliWorld(script: Turn[], extraToml = ""): Promise<CliWorld> {
  const sandbox = makeSandbox();
  const fake = await startFakeModel(script);
  sandbox.writeConfig(`${fakeProviderToml(fake.url)}${extraToml}`);
  return {
    sandbox,
    workspace: sandbox.workspace,
    fake,
    async run(args) {
      const result = await runCli(sandbox, ["run", "--json", "-m", "fake/fake-model", ...args], { timeoutMs: 90_000 });
      return { code: result.code, events: jsonLines(result.stdout), stderr: result.stderr };
    },
    async dispose() {
      await fake.close();
      sandbox.cleanup();
    },
  };
}
