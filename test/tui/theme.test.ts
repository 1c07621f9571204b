import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { listThemes, loadTheme } from "../../src/tui/theme/load-theme.ts";
import { BUILTIN_THEMES, colorEnabled } from "../../src/tui/theme/theme.ts";
import { ThemeStore } from "../../src/tui/theme/theme-store.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tui-theme-"));
  mkdirSync(join(dir, "themes"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("built-in themes include the five of the seed, marketing (cyan on near-black) first", () => {
  assert.deepEqual(Object.keys(BUILTIN_THEMES), ["marketing", "dark", "light", "solarized-dark", "solarized-light"]);
  assert.equal(loadTheme("marketing", { color: true }).colors.accent, "#22d3ee");
});

test("a custom theme file extends a built-in and is listed after the built-ins", () => {
  writeFileSync(join(dir, "themes", "mine.toml"), 'extends = "light"\n[colors]\naccent = "#ff8800"\n');
  const theme = loadTheme("mine", { dir: join(dir, "themes"), color: true });
  assert.equal(theme.colors.accent, "#ff8800");
  assert.equal(theme.colors.statusBg, BUILTIN_THEMES.light!.statusBg);
  assert.deepEqual(listThemes(join(dir, "themes")).at(-1), "mine");
});

test("bad theme files and unknown names are one-line errors naming the file", () => {
  writeFileSync(join(dir, "themes", "bad.toml"), '[colors]\naccent = "not a colour!"\n');
  assert.throws(() => loadTheme("bad", { dir: join(dir, "themes"), color: true }), /bad\.toml: 'colors\.accent'/);
  writeFileSync(join(dir, "themes", "typo.toml"), '[colors]\naccnet = "red"\n');
  assert.throws(() => loadTheme("typo", { dir: join(dir, "themes"), color: true }), /unknown key 'accnet'/);
  assert.throws(() => loadTheme("nope", { dir: join(dir, "themes"), color: true }), /unknown theme 'nope'/);
});

test("NO_COLOR drops every colour (mono) whatever the theme", () => {
  assert.equal(colorEnabled({ NO_COLOR: "1" }), false);
  assert.equal(colorEnabled({ TERM: "dumb" }), false);
  assert.equal(colorEnabled({}), true);
  const mono = loadTheme("dark", { color: false });
  assert.equal(mono.mono, true);
  assert.deepEqual(mono.colors, {});
});

test("the theme store reloads [ui] theme from config.toml, keeps the old theme on errors, and /theme persists", () => {
  const configPath = join(dir, "config.toml");
  writeFileSync(configPath, '[ui]\ntheme = "dark"\n');
  const errors: string[] = [];
  const store = new ThemeStore({
    configPath,
    initial: "dark",
    color: true,
    dir: join(dir, "themes"),
    onError: (m) => errors.push(m),
  });
  let changes = 0;
  store.subscribe(() => changes++);
  writeFileSync(configPath, '[ui]\ntheme = "solarized-light"\n');
  store.reload();
  assert.equal(store.getSnapshot().name, "solarized-light");
  writeFileSync(configPath, '[ui]\ntheme = "missing"\n');
  store.reload();
  assert.equal(store.getSnapshot().name, "solarized-light");
  assert.match(errors[0]!, /unknown theme 'missing'/);
  store.choose("light");
  assert.equal(store.getSnapshot().name, "light");
  assert.equal(changes, 2);
  store.reload();
  assert.equal(store.getSnapshot().name, "light");
});
