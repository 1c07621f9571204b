// End-to-end in a real terminal: tmux runs the built `codetether tui` against the scripted fake model.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { CLI, fakeProviderToml, makeSandbox, type Sandbox } from "../support/cli.ts";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";

const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
const socket = `codetether-tui-${process.pid}`;
let sandbox: Sandbox;
let fake: FakeModel;

const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
const screen = (escapes = false) => tmux("capture-pane", "-p", ...(escapes ? ["-e"] : []), "-t", "tui");
const keys = (...k: string[]) => tmux("send-keys", "-t", "tui", ...k);

async function waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    last = screen();
    if (pattern.test(last)) return last;
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${pattern}; screen:\n${last}`);
}

/** The status line (last non-empty row) with its colour escapes. */
const statusLine = () => screen(true).split("\n").filter((l) => l.trim()).at(-1)!;

before(async () => {
  if (!hasTmux) return;
  fake = await startFakeModel();
  sandbox = makeSandbox();
  sandbox.writeConfig(`${fakeProviderToml(fake.url)}\n[ui]\ntheme = "marketing"\n`);
  // The TUI is for people at a terminal: colour on, not "in CI" (ink would then never redraw).
  const env: NodeJS.ProcessEnv = { ...sandbox.env, TERM: "xterm-256color" };
  delete env.NO_COLOR;
  delete env.CI;
  delete env.TMUX;
  execFileSync("tmux", ["-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "tui", "-x", "100", "-y", "30", "-c", sandbox.workspace, `${process.execPath} ${CLI} tui -m fake/fake-model; echo "[exited $?]"; sleep 60`], { env });
});

after(async () => {
  if (!hasTmux) return;
  spawnSync("tmux", ["-L", socket, "kill-server"]);
  await fake.close();
  sandbox.cleanup();
});

test("codetether tui in tmux: answer and tool call, approval, theme hot-reload, Ctrl+C twice", { skip: !hasTmux && "tmux is not installed" }, async () => {
  await waitFor(/Ask anything/);

  fake.push([{ tool: "write_file", input: { path: "hello.txt", content: "hi" } }], "Created **hello.txt** for you.");
  keys("create hello.txt", "Enter");
  let shown = await waitFor(/Created hello\.txt for you\./);
  assert.match(shown, /✓ write_file hello\.txt/);
  assert.match(shown, /create hello\.txt/);
  assert.equal(readFileSync(join(sandbox.workspace, "hello.txt"), "utf8"), "hi");

  const outside = join(sandbox.root, "outside.txt");
  writeFileSync(outside, "secret outside the workspace");
  fake.push([{ tool: "read_file", input: { path: outside } }], "Read it.");
  keys("read the outside file", "Enter");
  await waitFor(/Permission needed: read_file on .*outside\.txt/);
  keys("o");
  shown = await waitFor(/Read it\./);
  assert.match(shown, /allowed once: read_file .*outside\.txt/);
  assert.match(JSON.stringify(fake.requests.at(-1)!.body.messages), /secret outside the workspace/);

  const before = statusLine();
  sandbox.writeConfig(`${fakeProviderToml(fake.url)}\n[ui]\ntheme = "light"\n`);
  await waitFor(/theme: light/);
  const afterChange = statusLine();
  assert.equal(afterChange.replace(/\x1b\[[0-9;]*m/g, ""), before.replace(/\x1b\[[0-9;]*m/g, ""));
  assert.notEqual(afterChange, before, "the status line's colours change with the theme");

  keys("C-c");
  await waitFor(/press Ctrl\+C again to quit/);
  keys("C-c");
  shown = await waitFor(/\[exited 0\]/);
  assert.match(shown, /resume with: codetether tui --session ses_/);
});
