import { loadConfig } from "../../config/load.ts";
import { describePlugins, pluginsDir } from "../../plugins/installed.ts";
import { painter, printJson } from "../output.ts";

/** `codetether plugin list`: every installed plugin and whether it would run. */
export function listPlugins(options: { config?: string; json?: boolean }): void {
  const { config } = loadConfig(options.config);
  const plugins = describePlugins(config);
  if (options.json) return printJson(plugins);
  if (plugins.length === 0) {
    process.stdout.write(`no plugins installed (put them in ${pluginsDir()}/<id>/)\n`);
    return;
  }
  const paint = painter(process.stdout);
  const width = Math.max(...plugins.map((p) => p.id.length));
  for (const plugin of plugins) {
    const status =
      plugin.status === "verified" ? paint("green", "verified") : paint("red", `refused: ${plugin.reason}`);
    const capabilities = plugin.capabilities.length ? plugin.capabilities.join(",") : "no capabilities";
    process.stdout.write(
      `${paint("bold", plugin.id.padEnd(width))}  ${(plugin.version ?? "?").padEnd(8)}  ${status}  ${paint("dim", capabilities)}\n`,
    );
  }
}
