// Daily habits in a real terminal (tmux, the built CLI, the scripted fake model): `codetether --config f`
// opens the TUI, `!cmd`, messages queued while a turn runs (↑ takes one back), bash output in the
// transcript, an edit's diff in its approval, /undo, the model picker, /copy, /init, /clear and /exit.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fakeProviderToml, makeSandbox, type Sandbox } from "../support/cli.ts";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { hasTmux, needsTmux, TmuxTui } from "../support/tmux.ts";

const tui = new TmuxTui("daily");
const { tmux, screen, keys, type, waitFor } = tui;
let sandbox: Sandbox;
let fake: FakeModel;

const lastUser = (i: number) => fake.requests[i]!.prompt.users.at(-1);

before(async () => {
  if (!hasTmux) return;
  fake = await startFakeModel([], { models: ["fake-large", "fake-model"] });
  sandbox = makeSandbox();
  sandbox.writeConfig(`[default]\nmodel = "fake/fake-model"\n${fakeProviderToml(fake.url)}`);
  // the config comes from --config alone
  tui.start(sandbox, { args: `--config ${sandbox.configPath}`, width: 110, height: 40, unset: ["CODETETHER_CONFIG"] });
  tmux("set-option", "-g", "set-clipboard", "on");
});

after(async () => {
  if (!hasTmux) return;
  tui.close();
  await fake.close();
  sandbox.cleanup();
});

test(
  "codetether --config f opens the TUI; !cmd shows its output and exit code without the model",
  needsTmux,
  async () => {
    await waitFor(/Ask anything/);
    type("!echo shell-out; exit 4");
    keys("Enter");
    const shown = await waitFor(/│ shell-out/);
    assert.match(shown, /✗ ! echo shell-out; exit 4 exit 4/);
    assert.equal(fake.requests.length, 0, "the model saw nothing");
  },
);

test("messages typed during a turn are queued and sent after it; ↑ takes the last one back", needsTmux, async () => {
  fake.push({ delayMs: 2500, items: [{ text: "First answer." }] }, "Second answer.");
  type("first");
  keys("Enter");
  await waitFor(/working… Esc interrupts/);
  // One at a time: text and Enter arriving in one read are a paste (a newline), as a terminal sends them.
  for (const text of ["second", "dropme"]) {
    type(text);
    keys("Enter");
    await waitFor(new RegExp(`queued: ${text}`));
  }
  let shown = await waitFor(/queued: dropme {2}\(↑ edits\)/);
  assert.match(shown, /queued: second\n/);
  keys("Up");
  shown = await waitFor(/› dropme/);
  assert.doesNotMatch(shown, /queued: dropme/);
  keys("C-u");
  await waitFor(/Second answer\./);
  assert.equal(fake.requests.length, 2);
  assert.equal(lastUser(0), "first");
  assert.equal(lastUser(1), "second");
  assert.doesNotMatch(screen(), /queued:/);
});

test(
  "an edit's approval shows its diff before the choice; nothing changes until it is allowed",
  needsTmux,
  async () => {
    const outside = join(sandbox.root, "notes.txt");
    writeFileSync(outside, "alpha\nbeta\n");
    fake.push([{ tool: "edit", input: { path: outside, old_string: "beta", new_string: "gamma" } }], "Edited it.");
    type("edit the notes");
    keys("Enter");
    const shown = await waitFor(/Permission needed: edit on .*notes\.txt/);
    assert.match(shown, /@@ -1,2 \+1,2 @@.*\n│ {4}alpha.*\n│ {3}-beta.*\n│ {3}\+gamma.*\n│ +\[o\] allow once/);
    assert.equal(readFileSync(outside, "utf8"), "alpha\nbeta\n");
    keys("o");
    await waitFor(/Edited it\./);
    assert.equal(readFileSync(outside, "utf8"), "alpha\ngamma\n");
  },
);

test(
  "/undo puts back the agent's file edits of the last turn, /undo 2 of two more; command side effects stay",
  needsTmux,
  async () => {
    const made = join(sandbox.workspace, "made.txt");
    fake.push([{ tool: "write_file", input: { path: "made.txt", content: "new\n" } }], "Made it.");
    type("make it");
    keys("Enter");
    await waitFor(/Made it\./);
    fake.push(
      [
        { tool: "edit", input: { path: "made.txt", old_string: "new", new_string: "changed" } },
        { tool: "bash", input: { command: "echo side > side.txt" } },
      ],
      "Changed it.",
    );
    type("change it");
    keys("Enter");
    await waitFor(/Changed it\./);
    assert.equal(readFileSync(made, "utf8"), "changed\n");

    type("/undo");
    keys("Enter");
    await waitFor(/undid the file edits of 1 turn: made\.txt \(changes made by commands are not undone\)/);
    assert.equal(readFileSync(made, "utf8"), "new\n");
    assert.ok(existsSync(join(sandbox.workspace, "side.txt")), "what bash did stays");

    type("/undo 2");
    keys("Enter");
    await waitFor(/undid the file edits of 2 turns: .*notes\.txt, made\.txt/);
    assert.ok(!existsSync(made), "a file the agent created is removed");
    assert.equal(readFileSync(join(sandbox.root, "notes.txt"), "utf8"), "alpha\nbeta\n");
    type("/undo");
    keys("Enter");
    await waitFor(/nothing to undo/);
  },
);

test(
  "the model picker lists a custom provider's /models, opens on the current model and filters by typing",
  needsTmux,
  async () => {
    keys("C-o"); // Ctrl+M is Enter in tmux (no kitty keyboard protocol): Ctrl+O opens the picker anywhere
    let shown = await waitFor(/› fake\/fake-model/);
    assert.match(shown, /fake\/fake-large +custom · http/);
    assert.equal(fake.listings.length, 1, "listed once, at start");
    type("large");
    shown = await waitFor(/filter › large/);
    assert.doesNotMatch(shown, /│ [› ] fake\/fake-model/);
    assert.match(shown, /1 of \d+ · type to filter/);
    keys("Enter");
    await waitFor(/model: fake\/fake-large/);
    fake.push("From the large one.");
    type("hi");
    keys("Enter");
    await waitFor(/From the large one\./);
    assert.equal(fake.requests.at(-1)!.model, "fake-large");
  },
);

test("bash output in the transcript, /expand for all of it; /copy, /init, /clear and /exit", needsTmux, async () => {
  fake.push([{ tool: "bash", input: { command: "seq 1 7" } }], "Counted to seven.");
  type("count");
  keys("Enter");
  let shown = await waitFor(/Counted to seven\./);
  assert.match(shown, /✓ bash seq 1 7\n\s+│ 1\n\s+│ 2\n\s+│ 3\n\s+│ 4\n\s+│ 5\n\s+│ … 2 more lines/);
  type("/expand");
  keys("Enter");
  shown = await waitFor(/│ 7\n/);
  assert.match(shown, /│ 5\n\s+│ 6\n\s+│ 7\n/);

  type("/copy");
  keys("Enter");
  await waitFor(/copied the last answer \(17 characters\)/);
  assert.equal(tmux("show-buffer"), "Counted to seven.");

  fake.push([{ tool: "write_file", input: { path: "AGENTS.md", content: "# Agents\n" } }], "Wrote AGENTS.md.");
  type("/init");
  keys("Enter");
  await waitFor(/Wrote AGENTS\.md\./);
  assert.match(lastUser(fake.requests.length - 2)!, /write an AGENTS\.md at its root/);
  assert.ok(existsSync(join(sandbox.workspace, "AGENTS.md")));

  type("/clear");
  keys("Enter");
  shown = await waitFor(/new session ses_/);
  assert.doesNotMatch(shown, /Counted to seven/);

  type("/exit");
  keys("Enter");
  await waitFor(/\[exited 0\]/);
});
