import { statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const IMAGE_NAME = /\.(png|jpe?g|gif|webp)$/i;

/**
 * Splits text into words as a shell would read them: whitespace separates, single and double quotes
 * group, a backslash escapes the next character. This is how terminals write dropped files
 * (`/tmp/my\ shot.png`, `'/tmp/my shot.png'`). Undefined when a quote is left open.
 */
export function shellWords(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === "\\" && quote === '"' && /["\\$`]/.test(text[i + 1] ?? "")) word += text[++i]!;
      else word += ch;
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= "";
    } else if (ch === "\\" && i + 1 < text.length) {
      word = (word ?? "") + text[++i]!;
    } else {
      word = (word ?? "") + ch;
    }
  }
  if (quote) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}

/** The absolute path a dropped word names: a `file://` URI, `~/…`, or a path relative to `cwd`. */
function pathOf(word: string, cwd: string): string | undefined {
  if (word.startsWith("file://")) {
    try {
      return fileURLToPath(word);
    } catch {
      return undefined;
    }
  }
  if (word === "~" || word.startsWith("~/")) return resolve(homedir(), word.slice(2));
  return isAbsolute(word) ? word : resolve(cwd, word);
}

/** True when `path` is an existing file with an image's name. */
function isImageFile(path: string): boolean {
  return IMAGE_NAME.test(path) && statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}

/**
 * The image files pasted or dropped text names, when it names nothing else (one or more paths of existing
 * PNG, JPEG, GIF or WebP files, however the terminal quoted them); undefined for any other text.
 */
export function pastedImagePaths(text: string, cwd: string): string[] | undefined {
  const words = shellWords(text.trim());
  if (!words?.length) return undefined;
  const paths = words.map((w) => pathOf(w, cwd));
  return paths.every((p): p is string => p !== undefined && isImageFile(p)) ? paths : undefined;
}

/**
 * Words of a typed prompt that are paths of existing image files, as the user wrote them. Only words
 * that look like paths (`/…`, `./…`, `../…`, `~/…`, `file://…`) count, so a bare `logo.png` in a
 * sentence stays text.
 */
export function typedImagePaths(text: string, cwd: string): Array<{ word: string; path: string }> {
  const found: Array<{ word: string; path: string }> = [];
  for (const word of text.split(/\s+/)) {
    if (!/^(\/|\.\.?\/|~\/|file:\/\/)/.test(word)) continue;
    const path = pathOf(word, cwd);
    if (path && isImageFile(path)) found.push({ word, path });
  }
  return found;
}
