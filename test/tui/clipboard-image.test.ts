// Reading the clipboard's image with the desktop's tool: which tool, a missing tool, an empty clipboard.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { readClipboardImage } from "../../src/tui/input/clipboard-image.ts";

const bin = mkdtempSync(join(tmpdir(), "ct-clip-"));
after(() => rmSync(bin, { recursive: true, force: true }));
const tool = (name: string, script: string) => {
  writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`);
  chmodSync(join(bin, name), 0o755);
};

test("Wayland reads with wl-paste, X11 with xclip; their output is the image", async () => {
  tool("wl-paste", 'printf "wl:%s" "$*"');
  tool("xclip", 'printf "x:%s" "$*"');
  const wayland = await readClipboardImage({ PATH: bin, WAYLAND_DISPLAY: "wayland-0" }, "linux");
  assert.equal("data" in wayland && wayland.data.toString(), "wl:--no-newline --type image/png");
  const x11 = await readClipboardImage({ PATH: bin }, "linux");
  assert.equal("data" in x11 && x11.data.toString(), "x:-selection clipboard -t image/png -o");
});

test("macOS decodes osascript's «data PNGf…» hex", async () => {
  tool("osascript", 'echo "«data PNGf89504E47»"');
  const read = await readClipboardImage({ PATH: bin }, "darwin");
  assert.deepEqual("data" in read && [...read.data], [0x89, 0x50, 0x4e, 0x47]);
});

test("a missing tool or an empty clipboard is one line", async () => {
  assert.deepEqual(await readClipboardImage({ PATH: join(bin, "none") }, "linux"), {
    error: "pasting an image needs xclip (install xclip)",
  });
  tool("xclip", "exit 1");
  assert.deepEqual(await readClipboardImage({ PATH: bin }, "linux"), { error: "no image on the clipboard" });
  tool("xclip", "true");
  assert.deepEqual(await readClipboardImage({ PATH: bin }, "linux"), { error: "no image on the clipboard" });
});
