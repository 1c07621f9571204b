// Image paste in a real terminal (tmux, the built CLI, the scripted fake model): a bracketed paste of an
// image file's path becomes a chip and an image part of the request; Ctrl+V attaches the clipboard's image
// through a fake `xclip`, which gets no secrets; without an image on the clipboard it says so in one line.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fakeProviderToml, makeSandbox, type Sandbox } from "../support/cli.ts";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { hasTmux, needsTmux, TmuxTui } from "../support/tmux.ts";

const tui = new TmuxTui("image");
const { keys, type, paste, waitFor } = tui;
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
let sandbox: Sandbox;
let fake: FakeModel;
let bin: string;

const lastContent = () => fake.requests.at(-1)!.body.messages.at(-1).content as Array<Record<string, any>>;
const dataUrl = `data:image/png;base64,${PNG.toString("base64")}`;

before(async () => {
  if (!hasTmux) return;
  fake = await startFakeModel([]);
  sandbox = makeSandbox();
  sandbox.writeConfig(`[default]\nmodel = "fake/fake-model"\n${fakeProviderToml(fake.url)}`);
  // A fake xclip: prints the "clipboard" image when there is one (else fails as xclip does) and records its env.
  bin = join(sandbox.root, "bin");
  mkdirSync(bin);
  writeFileSync(
    join(bin, "xclip"),
    `#!/bin/sh\nenv > "${bin}/xclip.env"\necho "$@" > "${bin}/xclip.args"\n` +
      `[ -f "${bin}/clip.png" ] || { echo "Error: target image/png not available" >&2; exit 1; }\ncat "${bin}/clip.png"\n`,
  );
  chmodSync(join(bin, "xclip"), 0o755);
  tui.start(sandbox, {
    args: `--config ${sandbox.configPath}`,
    width: 110,
    height: 40,
    env: { PATH: `${bin}:${process.env.PATH}`, DEMO_SECRET_TOKEN: "hunter2" },
    unset: ["WAYLAND_DISPLAY", "CODETETHER_CONFIG"],
  });
});

after(async () => {
  if (!hasTmux) return;
  tui.close();
  await fake.close();
  sandbox.cleanup();
});

test(
  "a pasted image path (quoted, with a space, as a terminal drops it) becomes a chip and an image part",
  needsTmux,
  async () => {
    await waitFor(/Ask anything/);
    const dropped = join(sandbox.root, "screen shot.png");
    writeFileSync(dropped, PNG);
    fake.push("A single pixel.");
    type("what is this? ");
    await waitFor(/› what is this\?/);
    paste(dropped.replace(/ /g, "\\ "));
    await waitFor(/› what is this\? \[image: screen shot\.png\]/);
    keys("Enter");
    await waitFor(/A single pixel\./);
    const content = lastContent();
    assert.equal(content[0]!.type, "text");
    assert.equal(content[0]!.text, "what is this? [image: screen shot.png]");
    assert.deepEqual(content[1], { type: "image_url", image_url: { url: dataUrl } });

    // Pasted text that is not an image path stays text.
    paste(join(sandbox.root, "notes.txt"));
    await waitFor(/› .*notes\.txt/);
    keys("C-u");
  },
);

test(
  "Ctrl+V attaches the clipboard's image through xclip, without secrets in its env; no image is one line",
  needsTmux,
  async () => {
    keys("C-v");
    await waitFor(/no image on the clipboard/);
    assert.equal(readFileSync(join(bin, "xclip.args"), "utf8"), "-selection clipboard -t image/png -o\n");

    writeFileSync(join(bin, "clip.png"), PNG);
    fake.push("Clipboard pixel.");
    type("and this");
    await waitFor(/› and this/); // typed text and Ctrl+V arriving in one read would be one chunk of text
    keys("C-v");
    await waitFor(/› and this \[image: clipboard-1\.png\]/);
    keys("Enter");
    await waitFor(/Clipboard pixel\./);
    assert.deepEqual(lastContent()[1], { type: "image_url", image_url: { url: dataUrl } });
    const xclipEnv = readFileSync(join(bin, "xclip.env"), "utf8");
    assert.match(xclipEnv, /^PATH=/m);
    assert.doesNotMatch(xclipEnv, /hunter2/);
    assert.ok(existsSync(join(bin, "clip.png")));
    rmSync(join(bin, "clip.png"));
  },
);

test(
  "an image on a message queued during a turn goes with it, also after ↑ takes it back to edit",
  needsTmux,
  async () => {
    const shot = join(sandbox.root, "queued.png");
    writeFileSync(shot, PNG);
    fake.push({ delayMs: 2500, items: [{ text: "Busy answer." }] }, "Queued pixel.");
    type("slow one");
    keys("Enter");
    await waitFor(/working… Esc interrupts/);
    paste(shot);
    await waitFor(/› \[image: queued\.png\]/);
    keys("Enter");
    await waitFor(/queued: \[image: queued\.png\]/);
    keys("Up");
    await waitFor(/› \[image: queued\.png\]/);
    type(" again");
    await waitFor(/› \[image: queued\.png\] again/);
    keys("Enter");
    await waitFor(/Queued pixel\./);
    const content = lastContent();
    assert.equal(content[0]!.text, "[image: queued.png] again");
    assert.deepEqual(content[1], { type: "image_url", image_url: { url: dataUrl } });
  },
);
