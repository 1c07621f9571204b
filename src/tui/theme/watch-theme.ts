import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";

/**
 * Calls `onChange` (debounced) when config.toml or a file in the themes directory changes. The directories
 * are watched, not the files, because editors save by writing a new file and renaming it over the old one.
 */
export function watchThemeSources(
  configPath: string,
  themesDir: string,
  onChange: () => void,
  debounceMs = 80,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };
  const watchers: FSWatcher[] = [];
  const configFile = basename(configPath);
  const add = (dir: string, relevant: (file: string) => boolean) => {
    try {
      const watcher = watch(dir, (_event, file) => {
        if (!file || relevant(file.toString())) fire();
      });
      watcher.on("error", () => watcher.close());
      watchers.push(watcher);
    } catch {
      // A directory that does not exist yet has nothing to reload.
    }
  };
  add(dirname(configPath), (file) => file === configFile);
  if (themesDir !== dirname(configPath)) add(themesDir, (file) => file.endsWith(".toml"));
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
