import { stringify } from "smol-toml";
import { setConfigValues } from "../../config/edit.ts";
import { loadConfig } from "../../config/load.ts";
import { maskSecrets } from "../../config/mask.ts";
import { configPath, dataDir } from "../../config/paths.ts";
import { describeSandbox } from "../../sandbox/runner.ts";
import { checkProvider, parseModelRef } from "../../provider/resolve.ts";
import type { Config } from "../../config/schema.ts";
import { printJson } from "../output.ts";
import { fullConfigSchema } from "./full-schema.ts";

export async function configAction(options: {
  config?: string;
  show?: boolean;
  set: string[];
  path?: boolean;
  json?: boolean;
}): Promise<void> {
  const path = configPath(options.config);
  if (options.path) return void process.stdout.write(`${path}\n`);
  if (options.set.length) {
    const set = setConfigValues(path, options.set, fullConfigSchema(), checkDefaultModel);
    if (!options.json)
      for (const { key, value } of set)
        process.stdout.write(`set ${key} = ${JSON.stringify(maskedAt(key.split("."), value))} in ${path}\n`);
  }
  if (options.set.length && !options.show) return;
  const loaded = loadConfig(options.config);
  const shown = maskSecrets(loaded.config);
  const sandbox = await describeSandbox(loaded.config.sandbox);
  if (options.json)
    return printJson({ path: loaded.path, exists: loaded.exists, data_dir: dataDir(), sandbox, config: shown });
  process.stdout.write(
    `# ${loaded.path}${loaded.exists ? "" : " (not created yet: defaults)"}\n# data dir: ${dataDir()}\n# sandbox: ${sandbox}\n`,
  );
  process.stdout.write(stringify(shown as Record<string, unknown>) + "\n");
}

/** The value as `--show` would print it at that key (a token set with --set is not echoed in full). */
function maskedAt(keys: string[], value: unknown): unknown {
  let shown = maskSecrets(keys.reduceRight<unknown>((inner, k) => ({ [k]: inner }), value));
  for (const k of keys) shown = (shown as Record<string, unknown>)[k];
  return shown;
}

/** A default model or provider that is set must be one a run can resolve: a typo would fail every run later. */
function checkDefaultModel(config: Config, keys: string[]): void {
  const { model, provider } = config.default;
  if (keys.includes("default.model") && model) checkProvider(parseModelRef(model).providerId, model, config);
  if (keys.includes("default.provider") && provider) checkProvider(provider, provider, config);
}
