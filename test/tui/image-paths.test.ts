// Recognising pasted and dropped image paths as terminals write them, and the chips they become.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, test } from "node:test";
import { editorOf } from "../../src/tui/input/editor.ts";
import { pastedImagePaths, shellWords, typedImagePaths } from "../../src/tui/input/image-paths.ts";
import { attachImage, attachImageFiles, attachTypedImages, imagesShown } from "../../src/tui/input/prompt-images.ts";
import { EMPTY_PROMPT, type PromptState } from "../../src/tui/input/prompt-keys.ts";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const dir = mkdtempSync(join(tmpdir(), "ct-image-paths-"));
mkdirSync(join(dir, "my shots"));
const spaced = join(dir, "my shots", "a b.png");
const plain = join(dir, "shot.png");
writeFileSync(spaced, PNG);
writeFileSync(plain, PNG);
writeFileSync(join(dir, "notes.txt"), "hello");
writeFileSync(join(dir, "fake.png"), "not an image");
after(() => rmSync(dir, { recursive: true, force: true }));

test("shellWords reads quotes and backslash escapes as a shell does", () => {
  assert.deepEqual(shellWords(`/a\\ b.png 'c d.png' "e \\"f\\".png"`), ["/a b.png", "c d.png", 'e "f".png']);
  assert.equal(shellWords("'open"), undefined);
});

test("a pasted path of an existing image is recognised: plain, quoted, escaped, file:// and relative", () => {
  assert.deepEqual(pastedImagePaths(plain, "/"), [plain]);
  assert.deepEqual(pastedImagePaths(`  ${plain}\n`, "/"), [plain]);
  assert.deepEqual(pastedImagePaths(`'${spaced}'`, "/"), [spaced]);
  assert.deepEqual(pastedImagePaths(`"${spaced}"`, "/"), [spaced]);
  assert.deepEqual(pastedImagePaths(spaced.replace(/ /g, "\\ "), "/"), [spaced]);
  assert.deepEqual(pastedImagePaths(pathToFileURL(spaced).href, "/"), [spaced]);
  assert.deepEqual(pastedImagePaths("shot.png", dir), [plain]);
  assert.deepEqual(pastedImagePaths(`${plain} '${spaced}'`, "/"), [plain, spaced], "two dropped files");
});

test("anything else stays text: a non-image file, a missing file, a sentence, a path among words", () => {
  assert.equal(pastedImagePaths(join(dir, "notes.txt"), "/"), undefined);
  assert.equal(pastedImagePaths(join(dir, "missing.png"), "/"), undefined);
  assert.equal(pastedImagePaths(dir, "/"), undefined, "a directory");
  assert.equal(pastedImagePaths("look at this", dir), undefined);
  assert.equal(pastedImagePaths(`see ${plain}`, "/"), undefined);
  assert.equal(pastedImagePaths("", dir), undefined);
});

test("typed paths count only when they look like paths; a bare file name in a sentence stays text", () => {
  assert.deepEqual(typedImagePaths(`what is ${plain} and ./shot.png or shot.png`, dir), [
    { word: plain, path: plain },
    { word: "./shot.png", path: plain },
  ]);
});

test("attached images show as chips; deleting a chip drops its image; a fake or missing image is one line", () => {
  const first = attachImageFiles({ ...EMPTY_PROMPT, editor: editorOf("look") }, [plain, plain]) as PromptState;
  assert.equal(first.editor.text, "look [image: shot.png] [image: shot.png #2] ");
  assert.equal(first.images.length, 2);
  assert.deepEqual(first.images[0]!.part, { type: "image", image: PNG.toString("base64"), mediaType: "image/png" });
  assert.equal(imagesShown("look [image: shot.png #2]", first.images).length, 1);

  assert.deepEqual(attachImageFiles(EMPTY_PROMPT, [join(dir, "fake.png")]), {
    error: "cannot attach fake.png: not a PNG, JPEG, GIF or WebP image",
  });
  assert.match(
    (attachImageFiles(EMPTY_PROMPT, [join(dir, "gone.png")]) as { error: string }).error,
    /^cannot attach .*gone\.png: .*ENOENT/,
  );
  const huge = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
  assert.deepEqual(attachImage(EMPTY_PROMPT, huge, "big.png"), {
    error: `cannot attach big.png: ${huge.length} bytes (images up to ${5 * 1024 * 1024})`,
  });

  const typed = attachTypedImages(
    { ...EMPTY_PROMPT, editor: editorOf(`explain ./shot.png please`) },
    dir,
  ) as PromptState;
  assert.equal(typed.editor.text, "explain [image: shot.png] please");
  assert.equal(typed.images.length, 1);
});
