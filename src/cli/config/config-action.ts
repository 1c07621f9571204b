import { stringify } from "smol-toml";
import { setConfigValue } from "../../config/edit.ts";
import { loadConfig } from "../../config/load.ts";
import { maskSecrets } from "../../config/mask.ts";
import { configPath, dataDir } from "../../config/paths.ts";
import { printJson } from "../output.ts";

export function configAction(options: { config?: string; show?: boolean; set: string[]; path?: boolean; json?: boolean }): void {
  const path = configPath(options.config);
  if (options.path) return void process.stdout.write(`${path}\n`);
  for (const assignment of options.set) {
    const value = setConfigValue(path, assignment);
    const key = assignment.slice(0, assignment.indexOf("=")).trim();
    if (!options.json) process.stdout.write(`set ${key} = ${JSON.stringify(maskedAt(key.split("."), value))} in ${path}\n`);
  }
  if (options.set.length && !options.show) return;
  const loaded = loadConfig(options.config);
  const shown = maskSecrets(loaded.config);
  if (options.json) return printJson({ path: loaded.path, exists: loaded.exists, data_dir: dataDir(), config: shown });
  process.stdout.write(`# ${loaded.path}${loaded.exists ? "" : " (not created yet: defaults)"}\n# data dir: ${dataDir()}\n`);
  process.stdout.write(stringify(shown as Record<string, unknown>) + "\n");
}

/** The value as `--show` would print it at that key (a token set with --set is not echoed in full). */
function maskedAt(keys: string[], value: unknown): unknown {
  let shown = maskSecrets(keys.reduceRight<unknown>((inner, k) => ({ [k]: inner }), value));
  for (const k of keys) shown = (shown as Record<string, unknown>)[k];
  return shown;
}
