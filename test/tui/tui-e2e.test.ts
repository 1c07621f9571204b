// End-to-end in a real terminal: tmux runs the built `codetether tui` against the scripted fake model.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fakeProviderToml, makeSandbox, type Sandbox } from "../support/cli.ts";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { hasTmux, needsTmux, TmuxTui } from "../support/tmux.ts";

const tui = new TmuxTui("tui");
const { screen, keys, waitFor } = tui;
let sandbox: Sandbox;
let fake: FakeModel;

/** The status line (last non-empty row) with its colour escapes. */
const statusLine = () =>
  screen({ escapes: true })
    .split("\n")
    .filter((l) => l.trim())
    .at(-1)!;

before(async () => {
  if (!hasTmux) return;
  fake = await startFakeModel();
  sandbox = makeSandbox();
  sandbox.writeConfig(`${fakeProviderToml(fake.url)}\n[ui]\ntheme = "marketing"\n`);
  tui.start(sandbox, { args: "tui -m fake/fake-model", width: 100, height: 30 });
});

after(async () => {
  if (!hasTmux) return;
  tui.close();
  await fake.close();
  sandbox.cleanup();
});

test("codetether tui in tmux: answer and tool call, approval, theme hot-reload, Ctrl+C twice", needsTmux, async () => {
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
