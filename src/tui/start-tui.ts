import { loadConfig } from "../config/load.ts";
import { dataDir } from "../config/paths.ts";
import { UserError } from "../contracts/errors.ts";
import type { Layout } from "./chat/entry-view.tsx";
import { PromptHistory } from "./input/history.ts";
import { FileIndex } from "./input/mentions.ts";
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON } from "./input/keys.ts";
import { TuiSession } from "./session/tui-session.ts";
import { colorEnabled } from "./theme/theme.ts";
import { ThemeStore } from "./theme/theme-store.ts";
import { join } from "node:path";

export interface TuiOptions {
  config?: string;
  model?: string;
  continue?: boolean;
  session?: string;
  agent?: string;
  maxSteps?: number;
  layout?: Layout;
}

/** `codetether tui` (and bare `codetether` in a terminal): the interactive UI until the user quits. */
export async function startTui(options: TuiOptions): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError(
      'the TUI needs an interactive terminal; for scripts and pipes use: codetether run "your task"',
      2,
    );
  }
  const loaded = loadConfig(options.config);
  const dir = dataDir();
  const workspace = process.cwd();
  const session = await TuiSession.open({
    config: loaded.config,
    dataDir: dir,
    workspace,
    modelRef: options.model,
    agent: options.agent,
    sessionId: options.session,
    continueLatest: options.continue,
    maxSteps: options.maxSteps,
  });
  // A database that does not answer must not keep the TUI from starting: the offer is only a hint.
  await (
    await import("./commands/orchestrate.ts")
  )
    .offerInterruptedRuns(session, dir)
    .catch((error: Error) => session.info(`interrupted runs not checked: ${error.message}`, "warning"));
  const themes = new ThemeStore({
    configPath: loaded.path,
    initial: loaded.config.ui.theme,
    color: colorEnabled(),
    onError: (message) => session.info(message, "warning"),
  });
  const { render, App, createElement } = await loadInk();
  const stopWatching = themes.watch();
  process.stdout.write(BRACKETED_PASTE_ON);
  try {
    const app = render(
      createElement(App, {
        session,
        themes,
        history: new PromptHistory(join(dir, "tui-history.jsonl")),
        files: new FileIndex(workspace),
        initialLayout: options.layout,
      }),
      // Ctrl+C is ours (first press clears, second quits); the kitty protocol, where the terminal has it, tells Ctrl+M from Enter.
      { exitOnCtrlC: false, kittyKeyboard: { mode: "auto" } },
    );
    await app.waitUntilExit();
  } finally {
    stopWatching();
    process.stdout.write(BRACKETED_PASTE_OFF);
    await session.close();
  }
  const { session: info } = session.getSnapshot();
  process.stdout.write(
    `session ${info.id}${info.title ? ` · ${info.title}` : ""}\nresume with: codetether tui --session ${info.id}\n`,
  );
  // Provider connections may keep sockets alive for a while; the user asked to leave now.
  process.exit(0);
}

/**
 * Flags read once, when ink and React load, that must not hold for an interactive session: ink in "CI"
 * never redraws (only prints at the end), and React's development build (NODE_ENV unset) is slower and
 * keeps profiling data for every render, which grows without bound in a long session. They are set
 * only while these modules load, so tools' child processes still see the user's environment.
 */
export async function loadInk() {
  const saved = {
    CI: process.env.CI,
    CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION,
    NODE_ENV: process.env.NODE_ENV,
  };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  process.env.NODE_ENV = "production";
  try {
    // React is CommonJS: bundled, its dynamic import has only the default export.
    const [{ render }, { App }, react] = await Promise.all([import("ink"), import("./app.tsx"), import("react")]);
    return { render, App, createElement: react.default.createElement };
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
