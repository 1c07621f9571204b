import * as ed from "./editor.ts";
import type { HistoryCursor } from "./history.ts";
import type { KeyPress } from "./keys.ts";
import type { ImagePart } from "ai";

/** A completion on offer under the prompt: `/command` or `@path`. */
export interface Completion {
  /** Replaces the token at the cursor when accepted. */
  value: string;
  label: string;
  hint?: string;
}

/** An image attached to the prompt, shown in it as its chip (`[image: shot.png]`). */
export interface PromptImage {
  chip: string;
  part: ImagePart;
}

export interface PromptState {
  editor: ed.EditorState;
  completions: Completion[];
  selected: number;
  /** Images attached to the prompt (pasted paths, Ctrl+V), each shown in the text as its chip. */
  images: readonly PromptImage[];
  /** The text was recalled from history (↑/↓) and not edited since: nothing is offered for it. */
  recalled?: boolean;
}

export const EMPTY_PROMPT: PromptState = { editor: ed.EMPTY_EDITOR, completions: [], selected: 0, images: [] };

export type PromptResult = { state: PromptState; submit?: string; handled: boolean };

/**
 * The prompt editor's keys: typing, paste, cursor movement, word/line deletion, newline (Alt+Enter,
 * Ctrl+J, or `\` before Enter), history on ↑/↓ at the first/last line, and completion (↑/↓ choose,
 * Tab or Enter accept, Esc dismiss). Enter submits. `handled: false` leaves the key to the app.
 */
export function handlePromptKey(state: PromptState, key: KeyPress, history: HistoryCursor): PromptResult {
  const { editor } = state;
  const edit = (next: ed.EditorState): PromptResult => ({
    state: { ...state, editor: next, recalled: false },
    handled: true,
  });
  const offering = state.completions.length > 0;

  if (offering) {
    const count = state.completions.length;
    if (key.name === "up" || key.name === "down") {
      const selected = (state.selected + (key.name === "up" ? count - 1 : 1)) % count;
      return { state: { ...state, selected }, handled: true };
    }
    if (key.name === "escape") return { state: { ...state, completions: [] }, handled: true };
    if ((key.name === "tab" && !key.shift) || (key.name === "return" && !key.meta && !key.ctrl)) {
      const choice = state.completions[state.selected]!;
      const accepted = ed.replaceToken(editor, choice.value);
      const next = { ...state, editor: accepted, completions: [], selected: 0 };
      // Enter on a slash command runs it at once (a command that takes arguments then asks for them).
      if (key.name === "return" && choice.value.startsWith("/"))
        return { state: EMPTY_PROMPT, submit: choice.value.trim(), handled: true };
      return { state: next, handled: true };
    }
  }

  switch (key.name) {
    case "return": {
      if (key.meta || key.ctrl) return edit(ed.insert(editor, "\n"));
      if (editor.text.slice(0, editor.cursor).endsWith("\\")) return edit(ed.insert(ed.backspace(editor), "\n"));
      if (!editor.text.trim()) return { state, handled: true };
      history.reset();
      return { state: EMPTY_PROMPT, submit: editor.text, handled: true };
    }
    case "paste":
    case "text":
      return edit(ed.insert(editor, key.text));
    case "backspace":
      return edit(key.meta ? ed.deleteWordBefore(editor) : ed.backspace(editor));
    case "delete":
      return edit(ed.deleteForward(editor));
    case "left":
      return edit(ed.moveLeft(editor));
    case "right":
      return edit(ed.moveRight(editor));
    case "home":
      return edit(ed.moveLineStart(editor));
    case "end":
      return edit(ed.moveLineEnd(editor));
    case "up":
    case "down": {
      const direction = key.name === "up" ? -1 : 1;
      const moved = ed.moveVertical(editor, direction);
      if (moved) return edit(moved);
      const recalled = history.step(direction, editor.text);
      if (recalled === undefined) return { state, handled: true };
      return { state: { ...state, editor: ed.editorOf(recalled), completions: [], recalled: true }, handled: true };
    }
  }
  if (key.ctrl) {
    if (key.name === "a") return edit(ed.moveLineStart(editor));
    if (key.name === "e") return edit(ed.moveLineEnd(editor));
    if (key.name === "w") return edit(ed.deleteWordBefore(editor));
    if (key.name === "u") return edit(ed.deleteToLineStart(editor));
    if (key.name === "d") return edit(ed.deleteForward(editor));
    return { state, handled: false };
  }
  if (key.text && !key.meta) return edit(ed.insert(editor, key.text));
  return { state, handled: false };
}
