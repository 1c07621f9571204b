import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { ImagePart } from "ai";
import { imagePartOf } from "../../agent/attachments.ts";
import { errorMessage } from "../../contracts/errors.ts";
import * as ed from "./editor.ts";
import { typedImagePaths } from "./image-paths.ts";
import type { PromptImage, PromptState } from "./prompt-keys.ts";

/** The chip for an image called `name`, numbered when the prompt already has one by that name. */
function chipFor(name: string, images: readonly PromptImage[]): string {
  const taken = new Set(images.map((i) => i.chip));
  let chip = `[image: ${name}]`;
  for (let n = 2; taken.has(chip); n++) chip = `[image: ${name} #${n}]`;
  return chip;
}

/**
 * The prompt with an image attached at the cursor (its chip inserted); a one-line error when the data
 * is not an image or is too large.
 */
export function attachImage(state: PromptState, data: Buffer, name: string): PromptState | { error: string } {
  let part: ImagePart | undefined;
  try {
    part = imagePartOf(data, name);
  } catch (error) {
    return { error: errorMessage(error) };
  }
  if (!part) return { error: `cannot attach ${name}: not a PNG, JPEG, GIF or WebP image` };
  const chip = chipFor(name, state.images);
  const { text, cursor } = state.editor;
  const spaced = `${cursor > 0 && !/\s/.test(text[cursor - 1]!) ? " " : ""}${chip}${/^\s/.test(text.slice(cursor)) ? "" : " "}`;
  return { ...state, editor: ed.insert(state.editor, spaced), images: [...state.images, { chip, part }] };
}

/** The prompt with image files attached, in order; stops at the first that cannot be. */
export function attachImageFiles(state: PromptState, paths: readonly string[]): PromptState | { error: string } {
  let next: PromptState | { error: string } = state;
  for (const path of paths) {
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (error) {
      return { error: `cannot attach ${path}: ${errorMessage(error)}` };
    }
    next = attachImage(next, data, basename(path));
    if ("error" in next) return next;
  }
  return next;
}

/** The images whose chips the text still shows (deleting a chip drops its image). */
export function imagesShown(text: string, images: readonly PromptImage[]): PromptImage[] {
  return images.filter((i) => text.includes(i.chip));
}

/** Paths of image files typed into the prompt become attachments, each word replaced by its chip. */
export function attachTypedImages(state: PromptState, cwd: string): PromptState | { error: string } {
  let next: PromptState | { error: string } = state;
  for (const { word, path } of typedImagePaths(state.editor.text, cwd)) {
    const { text } = next.editor;
    const at = text.indexOf(word);
    next = attachImageFiles(
      { ...next, editor: { text: text.slice(0, at) + text.slice(at + word.length), cursor: at } },
      [path],
    );
    if ("error" in next) return next;
  }
  return next;
}
