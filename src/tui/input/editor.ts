/** The prompt being typed: text (may span lines) and a cursor offset into it. Pure functions, easy to test. */
export interface EditorState {
  text: string;
  cursor: number;
}

export const EMPTY_EDITOR: EditorState = { text: "", cursor: 0 };

export function editorOf(text: string): EditorState {
  return { text, cursor: text.length };
}

export function insert(s: EditorState, chunk: string): EditorState {
  return { text: s.text.slice(0, s.cursor) + chunk + s.text.slice(s.cursor), cursor: s.cursor + chunk.length };
}

export function backspace(s: EditorState): EditorState {
  if (s.cursor === 0) return s;
  const step = charBefore(s.text, s.cursor).length;
  return { text: s.text.slice(0, s.cursor - step) + s.text.slice(s.cursor), cursor: s.cursor - step };
}

export function deleteForward(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  const step = String.fromCodePoint(s.text.codePointAt(s.cursor)!).length;
  return { text: s.text.slice(0, s.cursor) + s.text.slice(s.cursor + step), cursor: s.cursor };
}

/** Deletes the word before the cursor (Ctrl+W, Alt+Backspace). */
export function deleteWordBefore(s: EditorState): EditorState {
  const start = wordStart(s.text, s.cursor);
  return { text: s.text.slice(0, start) + s.text.slice(s.cursor), cursor: start };
}

/** Deletes from the cursor back to the start of its line (Ctrl+U). */
export function deleteToLineStart(s: EditorState): EditorState {
  const start = lineStart(s.text, s.cursor);
  return { text: s.text.slice(0, start) + s.text.slice(s.cursor), cursor: start };
}

export function moveLeft(s: EditorState): EditorState {
  return { ...s, cursor: s.cursor - charBefore(s.text, s.cursor).length };
}

export function moveRight(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  return { ...s, cursor: s.cursor + String.fromCodePoint(s.text.codePointAt(s.cursor)!).length };
}

export function moveLineStart(s: EditorState): EditorState {
  return { ...s, cursor: lineStart(s.text, s.cursor) };
}

export function moveLineEnd(s: EditorState): EditorState {
  const end = s.text.indexOf("\n", s.cursor);
  return { ...s, cursor: end < 0 ? s.text.length : end };
}

/** Moves the cursor a line up or down, keeping its column; undefined on the first/last line (history takes over). */
export function moveVertical(s: EditorState, direction: -1 | 1): EditorState | undefined {
  const start = lineStart(s.text, s.cursor);
  const column = s.cursor - start;
  if (direction < 0) {
    if (start === 0) return undefined;
    const prevStart = lineStart(s.text, start - 1);
    return { ...s, cursor: Math.min(prevStart + column, start - 1) };
  }
  const end = s.text.indexOf("\n", s.cursor);
  if (end < 0) return undefined;
  const nextEnd = s.text.indexOf("\n", end + 1);
  return { ...s, cursor: Math.min(end + 1 + column, nextEnd < 0 ? s.text.length : nextEnd) };
}

/** The token the cursor is in or just after (for `@path` and `/command` completion) and where it starts. */
export function tokenAtCursor(s: EditorState): { token: string; start: number } {
  let start = s.cursor;
  while (start > 0 && !/\s/.test(s.text[start - 1]!)) start--;
  return { token: s.text.slice(start, s.cursor), start };
}

/** Replaces the token at the cursor with `replacement`. */
export function replaceToken(s: EditorState, replacement: string): EditorState {
  const { start } = tokenAtCursor(s);
  return { text: s.text.slice(0, start) + replacement + s.text.slice(s.cursor), cursor: start + replacement.length };
}

function lineStart(text: string, cursor: number): number {
  return text.lastIndexOf("\n", cursor - 1) + 1;
}

function wordStart(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(text[i - 1]!)) i--;
  return i;
}

function charBefore(text: string, cursor: number): string {
  if (cursor === 0) return "";
  const low = text.charCodeAt(cursor - 1);
  return low >= 0xdc00 && low <= 0xdfff && cursor >= 2
    ? text.slice(cursor - 2, cursor)
    : text.slice(cursor - 1, cursor);
}
