import { detectBubblewrap } from "../sandbox/bubblewrap.ts";
import type { Sandbox } from "../sandbox/runner.ts";
import type { Capability } from "./manifest.ts";

/** What a plugin's server is started with: its folder, its command line, the workspace, its capabilities. */
export interface PluginLaunchSpec {
  dir: string;
  argv: string[];
  workspace: string;
  capabilities: readonly Capability[];
}

/** How to start the server confined; throws (one line) when it cannot be confined. */
export type PluginLauncher = (
  spec: PluginLaunchSpec,
) => Promise<{ command: string; args: string[]; env: Record<string, string>; cwd: string }>;

/** `[sandbox.tools.plugins]` sets the memory and CPU limits and `env_allow` of every plugin. */
const POLICY_NAME = "plugins";

/**
 * Plugins run in the sandbox runner with only what they declare: the workspace writable with `write`
 * (else read-only), the network with `network` (else none, loopback included), their own folder
 * read-only although the config dir around it is hidden. `exec` cannot be withheld without seccomp: a
 * plugin may start programs, which stay in the same sandbox. Never unconfined: where bubblewrap cannot
 * run, plugins do not start.
 */
export function sandboxLauncher(sandbox: Sandbox): PluginLauncher {
  return async ({ dir, argv, workspace, capabilities }) => {
    const confinement = await detectBubblewrap();
    if (confinement.kind === "fallback")
      throw new Error(`sandbox unavailable (${confinement.reason}); plugins never run unconfined`);
    const plan = await sandbox.plan({
      tool: POLICY_NAME,
      argv,
      workspace,
      readable: [dir],
      policy: {
        mode: capabilities.includes("write") ? "workspace-write" : "read-only",
        network: capabilities.includes("network"),
      },
    });
    const [command, ...args] = plan.argv;
    const env = Object.entries(plan.env).filter((entry): entry is [string, string] => entry[1] !== undefined);
    return { command: command!, args, env: Object.fromEntries(env), cwd: plan.cwd };
  };
}
