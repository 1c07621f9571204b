import { loadConfig } from "../../config/load.ts";
import { setConfigValues } from "../../config/edit.ts";
import { errorMessage } from "../../contracts/errors.ts";
import { listThemes, loadTheme, themesDir } from "./load-theme.ts";
import type { Theme } from "./theme.ts";
import { watchThemeSources } from "./watch-theme.ts";

export interface ThemeStoreOptions {
  configPath: string;
  /** The theme named by config.toml `[ui] theme` at startup. */
  initial: string;
  color: boolean;
  dir?: string;
  /** Told when a reload fails (bad TOML, unknown theme): the previous theme stays. */
  onError: (message: string) => void;
}

/** The active theme, reloaded when config.toml or a theme file changes (hot-reload). */
export class ThemeStore {
  private theme: Theme;
  private readonly listeners = new Set<() => void>();
  private readonly dir: string;

  constructor(private readonly options: ThemeStoreOptions) {
    this.dir = options.dir ?? themesDir();
    try {
      this.theme = loadTheme(options.initial, { dir: this.dir, color: options.color });
    } catch (error) {
      options.onError(errorMessage(error));
      this.theme = loadTheme("marketing", { color: options.color });
    }
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): Theme => this.theme;

  names(): string[] {
    return listThemes(this.dir);
  }

  /** Re-reads `[ui] theme` (and the theme file it names); a change of any colour swaps the theme. */
  reload(): void {
    try {
      const name = loadConfig(this.options.configPath).config.ui.theme;
      this.apply(loadTheme(name, { dir: this.dir, color: this.options.color }));
    } catch (error) {
      this.options.onError(`theme not reloaded: ${errorMessage(error)}`);
    }
  }

  /** /theme <name>: switches now and records the choice in config.toml. */
  choose(name: string): void {
    try {
      const theme = loadTheme(name, { dir: this.dir, color: this.options.color });
      setConfigValues(this.options.configPath, [`ui.theme="${name}"`]);
      this.apply(theme);
    } catch (error) {
      this.options.onError(errorMessage(error));
    }
  }

  /** Starts hot-reload; returns the function that stops it. */
  watch(): () => void {
    return watchThemeSources(this.options.configPath, this.dir, () => this.reload());
  }

  private apply(theme: Theme): void {
    if (JSON.stringify(theme) === JSON.stringify(this.theme)) return;
    this.theme = theme;
    for (const listener of this.listeners) listener();
  }
}
