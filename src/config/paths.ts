import { homedir } from "node:os";
import { join } from "node:path";

const APP = "codetether-agent";

/** `$XDG_CONFIG_HOME/codetether-agent` (default `~/.config/codetether-agent`). */
export function configDir(env = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), ".config"), APP);
}

/** The config file: `--config`, else `CODETETHER_CONFIG`, else `<config dir>/config.toml`. */
export function configPath(explicit?: string, env = process.env): string {
  return explicit || env.CODETETHER_CONFIG || join(configDir(env), "config.toml");
}

/** `CODETETHER_DATA_DIR`, else `$XDG_DATA_HOME/codetether-agent` (default `~/.local/share/codetether-agent`). */
export function dataDir(env = process.env): string {
  return env.CODETETHER_DATA_DIR || join(env.XDG_DATA_HOME || join(homedir(), ".local", "share"), APP);
}

/** `$XDG_CACHE_HOME/codetether-agent` (default `~/.cache/codetether-agent`): only what can be rebuilt. */
export function cacheDir(env = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), APP);
}
