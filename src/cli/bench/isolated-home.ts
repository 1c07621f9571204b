// A throwaway home for CLI processes started by `codetether bench` and by the tests: temp HOME, config, data
// dir and workspace, and the caller's environment without secrets, Vault, AWS, Kubernetes or CODETETHER_ settings, so
// nothing of the user's configuration, sessions or secrets is read or written.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isSecretEnvName } from "../../util/redact.ts";

export interface IsolatedHome {
  root: string;
  workspace: string;
  dataDir: string;
  configPath: string;
  /** Environment for the CLI: the home's paths, no provider keys from the host. */
  env: NodeJS.ProcessEnv;
  writeConfig(toml: string): void;
  cleanup(): void;
}

export function createIsolatedHome(prefix = "codetether-"): IsolatedHome {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const workspace = join(root, "workspace");
  const dataDir = join(root, "data");
  const configPath = join(root, "config.toml");
  mkdirSync(workspace, { recursive: true });
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (isSecretEnvName(key) || /^(VAULT|CODETETHER|AWS|KUBERNETES)_/.test(key)) continue;
    env[key] = value;
  }
  Object.assign(env, {
    HOME: root,
    XDG_CONFIG_HOME: join(root, "xdg-config"),
    XDG_DATA_HOME: join(root, "xdg-data"),
    XDG_CACHE_HOME: join(root, "xdg-cache"),
    CODETETHER_DATA_DIR: dataDir,
    CODETETHER_CONFIG: configPath,
    NO_COLOR: "1",
  });
  writeFileSync(configPath, "");
  return {
    root,
    workspace,
    dataDir,
    configPath,
    env,
    writeConfig: (toml) => writeFileSync(configPath, toml),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
