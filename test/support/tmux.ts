// A real terminal for end-to-end TUI tests: tmux runs the built CLI in a detached session on a server of its
// own (one socket per test file), and the test types, pastes, reads the screen and waits for text on it.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { CLI, type Sandbox } from "./cli.ts";

export const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
/** Test options that skip a test where tmux is not installed. */
export const needsTmux = { skip: !hasTmux && "tmux is not installed" };

export interface TuiLaunch {
  /** Arguments of `codetether` (one shell string). */
  args: string;
  width: number;
  height: number;
  /** Variables added to the sandbox's env. */
  env?: NodeJS.ProcessEnv;
  /** Variables removed besides NO_COLOR, CI and TMUX. */
  unset?: string[];
}

/** One tmux session named "tui"; the methods are bound, so they can be destructured. */
export class TmuxTui {
  private readonly socket: string;

  constructor(name: string) {
    this.socket = `codetether-${name}-${process.pid}`;
  }

  /** Starts `codetether <args>` in the sandbox's workspace; when it exits the pane shows `[exited <code>]`. */
  start(sandbox: Sandbox, launch: TuiLaunch): void {
    // The TUI is for people at a terminal: colour on, not "in CI" (ink would then never redraw).
    const env: NodeJS.ProcessEnv = { ...sandbox.env, TERM: "xterm-256color", ...launch.env };
    for (const name of ["NO_COLOR", "CI", "TMUX", ...(launch.unset ?? [])]) delete env[name];
    execFileSync(
      "tmux",
      [
        ...["-L", this.socket, "-f", "/dev/null", "new-session", "-d", "-s", "tui"],
        ...["-x", String(launch.width), "-y", String(launch.height), "-c", sandbox.workspace],
        `${process.execPath} ${CLI} ${launch.args}; echo "[exited $?]"; sleep 60`,
      ],
      { env },
    );
  }

  close(): void {
    spawnSync("tmux", ["-L", this.socket, "kill-server"]);
  }

  readonly tmux = (...args: string[]): string =>
    execFileSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8" });

  /** The visible screen; with `escapes` its colour escapes, with `history` the scrollback above it too. */
  readonly screen = (options: { escapes?: boolean; history?: boolean } = {}): string =>
    this.tmux(
      "capture-pane",
      "-p",
      ...(options.escapes ? ["-e"] : []),
      "-t",
      "tui",
      ...(options.history ? ["-S", "-"] : []),
    );

  readonly keys = (...k: string[]): string => this.tmux("send-keys", "-t", "tui", ...k);

  /** Types text literally (key names in it are not interpreted). */
  readonly type = (text: string): string => this.tmux("send-keys", "-t", "tui", "-l", text);

  /** Pastes as a terminal does on drag and drop: wrapped in bracketed-paste markers, since the TUI asks for them. */
  readonly paste = (text: string): void => {
    this.tmux("set-buffer", "-b", "drop", text);
    this.tmux("paste-buffer", "-p", "-d", "-b", "drop", "-t", "tui");
  };

  readonly waitFor = async (pattern: RegExp, timeoutMs = 15_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      last = this.screen();
      if (pattern.test(last)) return last;
      await sleep(100);
    }
    assert.fail(`timed out waiting for ${pattern}; screen:\n${last}`);
  };
}
