import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "smol-toml";
import { z } from "zod";
import { configDir } from "../../config/paths.ts";
import { UserError } from "../../contracts/errors.ts";
import { didYouMean } from "../../util/nearest.ts";
import {
  BUILTIN_THEMES,
  DEFAULT_THEME,
  THEME_COLOR_NAMES,
  makeTheme,
  type Theme,
  type ThemeColor,
  type ThemeColors,
} from "./theme.ts";

/** Custom themes live in `<config dir>/themes/<name>.toml`. */
export function themesDir(env = process.env): string {
  return join(configDir(env), "themes");
}

const colorValue = z
  .string()
  .regex(/^(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}|[a-zA-Z]+)$/, "a colour is #rrggbb, #rgb or a name such as cyan");
const colorsShape = Object.fromEntries(THEME_COLOR_NAMES.map((name) => [name, colorValue.optional()])) as Record<
  ThemeColor,
  z.ZodOptional<typeof colorValue>
>;

/** A theme file: an optional built-in to start from, then the colours it changes. */
const themeFileSchema = z
  .object({
    extends: z.string().optional(),
    colors: z.object(colorsShape).strict().default({}),
  })
  .strict();

/** Built-in names first, then the custom files found in the themes directory. */
export function listThemes(dir = themesDir()): string[] {
  let custom: string[] = [];
  try {
    custom = readdirSync(dir)
      .filter((f) => f.endsWith(".toml"))
      .map((f) => f.slice(0, -5));
  } catch {
    // No themes directory: only the built-ins.
  }
  return [...Object.keys(BUILTIN_THEMES), ...custom.filter((n) => !(n in BUILTIN_THEMES)).sort()];
}

/** `unknown theme 'x' (did you mean 'y'?)` with the themes there are and where custom ones go. */
export function unknownTheme(name: string, dir = themesDir()): string {
  const names = listThemes(dir);
  return `unknown theme '${name}'${didYouMean(name, names)}; themes: ${names.join(", ")} (custom themes go in ${join(dir, "<name>.toml")})`;
}

/** Resolves a theme by name: a built-in, else `<dir>/<name>.toml`. Errors are one line naming the file. */
export function loadTheme(name: string, options: { dir?: string; color: boolean }): Theme {
  const builtin = BUILTIN_THEMES[name];
  if (builtin) return makeTheme(name, builtin, options.color);
  if (!/^[\w.-]+$/.test(name)) throw new UserError(`invalid theme name '${name}'`);
  const path = join(options.dir ?? themesDir(), `${name}.toml`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UserError(unknownTheme(name, options.dir));
  }
  return makeTheme(name, parseThemeFile(text, path), options.color);
}

export function parseThemeFile(text: string, path: string): ThemeColors {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new UserError(`invalid TOML in ${path}: ${(error as Error).message.split("\n")[0]}`);
  }
  const result = themeFileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.join(".");
    const what =
      issue.code === "unrecognized_keys"
        ? `unknown key ${issue.keys.map((k) => `'${k}'`).join(", ")}`
        : `'${key}': ${issue.message}`;
    throw new UserError(`invalid theme ${path}: ${what}`);
  }
  const base = result.data.extends ?? DEFAULT_THEME;
  const baseColors = BUILTIN_THEMES[base];
  if (!baseColors)
    throw new UserError(
      `invalid theme ${path}: 'extends' must be a built-in theme (${Object.keys(BUILTIN_THEMES).join(", ")})`,
    );
  const overrides = Object.fromEntries(Object.entries(result.data.colors).filter(([, v]) => v !== undefined));
  return { ...baseColors, ...overrides };
}
