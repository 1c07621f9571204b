import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/schema.ts";
import { configDir } from "../config/paths.ts";
import { trustedKeys } from "./config.ts";
import { publicStatus, verifyPlugin, type PluginStatus } from "./verify.ts";

/** `<config dir>/plugins`: one folder per plugin, named after its id. */
export function pluginsDir(env = process.env): string {
  return join(configDir(env), "plugins");
}

/** Every installed plugin, verified against `[plugins] trusted_keys`, by id. */
export function installedPlugins(config: Config, env = process.env): Array<ReturnType<typeof verifyPlugin>> {
  const trusted = trustedKeys(config); // a mistake in [plugins] is an error with or without plugins
  const root = pluginsDir(env);
  // Looked at for every task and run, and usually absent: a stat costs less than the error readdir throws.
  if (!existsSync(root)) return [];
  let names: string[];
  try {
    names = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() || entry.isSymbolicLink()) // a symlink is listed, refused
      .map((entry) => entry.name)
      .sort();
  } catch {
    return []; // no plugins folder: no plugins
  }
  return names.map((name) => verifyPlugin(join(root, name), trusted, true));
}

/** The installed plugins as `plugin list --json` and `GET /v1/plugins` show them. */
export function describePlugins(config: Config, env = process.env): Array<Omit<PluginStatus, "dir">> {
  return installedPlugins(config, env).map(publicStatus);
}
