import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { editorOf, EMPTY_EDITOR, insert, moveVertical, tokenAtCursor } from "../../src/tui/input/editor.ts";
import { HistoryCursor, PromptHistory } from "../../src/tui/input/history.ts";
import { parseKey } from "../../src/tui/input/keys.ts";
import { EMPTY_PROMPT, handlePromptKey, type PromptState } from "../../src/tui/input/prompt-keys.ts";

const noHistory = new HistoryCursor(() => []);
const type = (state: PromptState, ...raws: string[]) =>
  raws.reduce((s, raw) => handlePromptKey(s, parseKey(raw), noHistory).state, state);

test("parseKey reads legacy and kitty sequences, telling Ctrl+M from Enter only under kitty", () => {
  assert.equal(parseKey("\r").name, "return");
  assert.deepEqual(parseKey("\x1b\r"), { name: "return", ctrl: false, meta: true, shift: false, text: "" });
  assert.equal(parseKey("\x1b[109;5u").name, "m");
  assert.equal(parseKey("\x1b[109;5u").ctrl, true);
  assert.equal(parseKey("\x1bj").meta, true);
  assert.equal(parseKey("\x1bj").name, "j");
  assert.equal(parseKey("\x02").name, "b");
  assert.equal(parseKey("\x02").ctrl, true);
  assert.equal(parseKey("\x1b[A").name, "up");
  assert.equal(parseKey("\x1b[Z").shift, true);
  assert.equal(parseKey("\x1b[3~").name, "delete");
  assert.equal(parseKey("\x7f").name, "backspace");
  assert.equal(parseKey("é").text, "é");
});

test("the editor inserts, moves between lines and finds the token at the cursor", () => {
  const s = insert(insert(EMPTY_EDITOR, "first line\nsecond"), " @src/ma");
  assert.equal(s.text, "first line\nsecond @src/ma");
  assert.deepEqual(tokenAtCursor(s), { token: "@src/ma", start: 18 });
  const up = moveVertical({ ...s, cursor: 14 }, -1)!;
  assert.equal(up.cursor, 3);
  assert.equal(moveVertical(up, -1), undefined);
});

test("Enter submits, Alt+Enter and a trailing backslash insert newlines, a paste keeps its lines", () => {
  let state = type(EMPTY_PROMPT, "h", "i", "\x1b\r", "x", "\\", "\r", "y");
  assert.equal(state.editor.text, "hi\nx\ny");
  state = handlePromptKey(
    state,
    { name: "paste", ctrl: false, meta: false, shift: false, text: "\npasted\nlines" },
    noHistory,
  ).state;
  assert.equal(state.editor.text, "hi\nx\ny\npasted\nlines");
  const done = handlePromptKey(state, parseKey("\r"), noHistory);
  assert.equal(done.submit, "hi\nx\ny\npasted\nlines");
  assert.equal(done.state.editor.text, "");
});

test("history: ↑ recalls older prompts (persisted), ↓ returns to the draft", () => {
  const dir = mkdtempSync(join(tmpdir(), "tui-history-"));
  try {
    const path = join(dir, "history.jsonl");
    const history = new PromptHistory(path);
    history.add("one");
    history.add("two\nlines");
    const reloaded = new PromptHistory(path);
    assert.deepEqual(reloaded.list(), ["one", "two\nlines"]);
    const cursor = new HistoryCursor(() => reloaded.list());
    let state: PromptState = { ...EMPTY_PROMPT, editor: editorOf("draft") };
    state = handlePromptKey(state, parseKey("\x1b[A"), cursor).state;
    assert.equal(state.editor.text, "two\nlines");
    // On the first line of a multi-line entry, ↑ goes further back.
    state = handlePromptKey({ ...state, editor: { ...state.editor, cursor: 0 } }, parseKey("\x1b[A"), cursor).state;
    assert.equal(state.editor.text, "one");
    state = handlePromptKey(state, parseKey("\x1b[B"), cursor).state;
    state = handlePromptKey(state, parseKey("\x1b[B"), cursor).state;
    assert.equal(state.editor.text, "draft");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("completions: ↓ moves, Tab inserts the choice, Enter on a slash command runs it", () => {
  const offered: PromptState = {
    ...EMPTY_PROMPT,
    editor: editorOf("/se"),
    completions: [
      { value: "/sessions", label: "/sessions" },
      { value: "/resume ", label: "/resume" },
    ],
    selected: 0,
  };
  const moved = handlePromptKey(offered, parseKey("\x1b[B"), noHistory).state;
  assert.equal(moved.selected, 1);
  assert.equal(handlePromptKey(moved, parseKey("\t"), noHistory).state.editor.text, "/resume ");
  assert.equal(handlePromptKey(offered, parseKey("\r"), noHistory).submit, "/sessions");
});
