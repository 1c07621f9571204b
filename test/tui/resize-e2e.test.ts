// Resizing the terminal narrower (tmux resize-window) while a long answer with a list is on screen: no
// stale frames of the wider layout are left behind, and the list keeps its layout at the new width.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fakeProviderToml, makeSandbox, type Sandbox } from "../support/cli.ts";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { hasTmux, needsTmux, TmuxTui } from "../support/tmux.ts";

const tui = new TmuxTui("resize");
const { tmux, screen, keys, type, waitFor } = tui;
let sandbox: Sandbox;
let fake: FakeModel;

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, "g"))?.length ?? 0;

const ITEM = (n: number) => `item ${n} has a long description that wraps when the terminal is narrow enough`;
const ANSWER = ["Here is the list:", "", ...[1, 2, 3, 4, 5].map((n) => `- ${ITEM(n)}`), "", "That is all."].join("\n");

before(async () => {
  if (!hasTmux) return;
  fake = await startFakeModel([]);
  sandbox = makeSandbox();
  sandbox.writeConfig(`[default]\nmodel = "fake/fake-model"\n${fakeProviderToml(fake.url)}`);
  tui.start(sandbox, { args: `--config ${sandbox.configPath}`, width: 120, height: 40, unset: ["CODETETHER_CONFIG"] });
});

after(async () => {
  if (!hasTmux) return;
  tui.close();
  await fake.close();
  sandbox.cleanup();
});

/** Every list item's wrapped lines hang under its text, and items follow one another without gaps. */
function assertList(shown: string, width: number) {
  const lines = shown.split("\n");
  const first = lines.findIndex((l) => /• item 1 /.test(l) || /- item 1 /.test(l));
  assert.ok(first >= 0, `the list is shown:\n${shown}`);
  const bullet = lines[first]!.search(/[•-] item 1/);
  const items = lines.map((l, i) => [l, i] as const).filter(([l]) => /[•-] item \d /.test(l));
  assert.equal(items.length, 5, `five items:\n${shown}`);
  for (const [line] of items) assert.equal(line.search(/[•-] item/), bullet, `items aligned:\n${shown}`);
  for (let i = first; i <= items.at(-1)![1]; i++) {
    const line = lines[i]!;
    assert.ok(line.length <= width, `no line wider than ${width}:\n${shown}`);
    assert.ok(line.trim() !== "", `no blank line inside the list:\n${shown}`);
    if (!/[•-] item \d /.test(line))
      assert.ok(/^\s*$/.test(line.slice(0, bullet + 2)), `continuations hang:\n${shown}`);
  }
}

test(
  "resizing narrower while a list is streaming, and after it is printed, leaves one frame and a tidy list",
  needsTmux,
  async () => {
    await waitFor(/Ask anything/);
    fake.push({ delayMs: 3000, items: [{ text: ANSWER }] });
    type("list things");
    keys("Enter");
    await waitFor(/working…/);
    tmux("resize-window", "-t", "tui", "-x", "70");
    await sleep(600);
    const live = screen();
    assert.equal(count(live, /◆ CodeTether/), 1, `one header while busy:\n${live}`);
    assert.equal(count(live, /fake\/fake-model │/), 1, `one status line while busy:\n${live}`);
    await waitFor(/That is all\./);
    await waitFor(/Ask anything/);
    tmux("resize-window", "-t", "tui", "-x", "50");
    await sleep(800);
    const shown = screen();
    assert.equal(count(shown, /◆ CodeTether/), 1, `one header:\n${shown}`);
    assert.equal(count(shown, /Ask anything/), 1, `one prompt:\n${shown}`);
    assert.equal(count(shown, /fake\/fake-model/), 1, `one status line:\n${shown}`);
    assertList(shown, 50);
    // The redraw replaced the old frames and transcript instead of adding to them.
    const all = screen({ history: true });
    assert.equal(count(all, /│ list things/), 1, `the question once:\n${all}`);
    assert.equal(count(all, /That is all\./), 1, `the answer once:\n${all}`);
  },
);

test(
  "a redraw during a turn (the session stores each step) shows what the turn printed so far once, and the rest follows once",
  needsTmux,
  async () => {
    tmux("resize-window", "-t", "tui", "-x", "120");
    fake.push([{ tool: "list_dir", input: {} }], { delayMs: 3000, items: [{ text: "Listed the files." }] });
    type("list the files");
    keys("Enter");
    await waitFor(/✓ list_dir/);
    tmux("resize-window", "-t", "tui", "-x", "80");
    await sleep(800);
    await waitFor(/Listed the files\./);
    await waitFor(/Ask anything/);
    const all = screen({ history: true });
    assert.equal(count(all, /│ list the files/), 1, `the question once:\n${all}`);
    assert.equal(count(all, /✓ list_dir/), 1, `the tool call once:\n${all}`);
    assert.equal(count(all, /Listed the files\./), 1, `the answer once:\n${all}`);
    assert.equal(count(all, /That is all\./), 1, `the earlier turn once:\n${all}`);
  },
);

test(
  "a redraw while an answer streams keeps the paragraphs it already printed (they are not stored until the step ends)",
  needsTmux,
  async () => {
    tmux("resize-window", "-t", "tui", "-x", "120");
    const paragraphs = Array.from({ length: 8 }, (_, n) => `para ${n} streamed`);
    fake.push({ chunkDelayMs: 150, items: [{ text: paragraphs.join("\n\n") }] });
    type("stream paragraphs");
    keys("Enter");
    await waitFor(/para 2 streamed/);
    tmux("resize-window", "-t", "tui", "-x", "90");
    await waitFor(/para 7 streamed/);
    await waitFor(/Ask anything/);
    await sleep(300);
    const all = screen({ history: true });
    for (const paragraph of paragraphs)
      assert.equal(count(all, new RegExp(paragraph)), 1, `${paragraph} once:\n${all}`);
  },
);
