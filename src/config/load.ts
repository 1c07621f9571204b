import { readFileSync } from "node:fs";
import { parse, TomlError } from "smol-toml";
import { UserError } from "../contracts/errors.ts";
import { describeIssue } from "./describe-issue.ts";
import { configPath } from "./paths.ts";
import { configSchema, type Config } from "./schema.ts";

export interface LoadedConfig {
  path: string;
  exists: boolean;
  config: Config;
}

/** Reads and validates config.toml; a missing file is the defaults, an invalid one a one-line error. */
export function loadConfig(explicitPath?: string): LoadedConfig {
  const path = configPath(explicitPath);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      if (explicitPath) throw new UserError(`config file not found: ${path}`);
      return { path, exists: false, config: configSchema.parse({}) };
    }
    throw new UserError(`cannot read config ${path}: ${(error as Error).message}`);
  }
  return { path, exists: true, config: parseConfig(text, path) };
}

/** Parses TOML text into a validated config; errors name the file and the offending key. */
export function parseConfig(text: string, path: string): Config {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    const where = error instanceof TomlError ? ` (line ${error.line})` : "";
    throw new UserError(`invalid TOML in ${path}${where}: ${(error as Error).message.split("\n")[0]}`);
  }
  return validateConfig(raw, path);
}

function validateConfig(raw: unknown, path: string): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success)
    throw new UserError(`invalid config ${path}: ${describeIssue(result.error.issues[0]!, configSchema)}`);
  return result.data;
}
