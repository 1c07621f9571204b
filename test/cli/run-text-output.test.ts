// `run` as a person uses it: what its text mode shows on stderr (a command's first lines of output and its
// exit code), @file mentions in the prompt and -f attachments.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, useFakeModelSandbox } from "../support/cli.ts";

const t = useFakeModelSandbox({ configure: true });
const run = (...args: string[]) =>
  runCli(t.sandbox, ["run", "-m", "fake/fake-model", "--auto-approve", "all", ...args]);

test("bash output is shown (first 5 lines, the rest counted); a non-zero exit is an ✗ with its code", async () => {
  t.fake.push(
    [{ tool: "bash", input: { command: "seq 1 8" } }],
    [{ tool: "bash", input: { command: "echo oops; exit 3" } }],
    [{ tool: "bash", input: { command: "true" } }],
    "Done.",
  );
  const r = await run("count");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^✓ bash seq 1 8\n {2}│ 1\n {2}│ 2\n {2}│ 3\n {2}│ 4\n {2}│ 5\n {2}│ … 3 more lines\n/m);
  assert.match(r.stderr, /^✗ bash echo oops; exit 3 \(exit 3\)\n {2}│ oops\n(?! {2}│)/m);
  assert.doesNotMatch(r.stderr, /\[exit code/);
  assert.match(r.stderr, /^✓ bash true\n(?! {2}│)/m);
  assert.equal(r.stdout.trim(), "Done.");
});

test("a read is summarized by what was read: the whole file's line count, or which lines", async () => {
  writeFileSync(join(t.sandbox.workspace, "ten.txt"), Array.from({ length: 10 }, (_, i) => `l${i + 1}`).join("\n"));
  t.fake.push(
    [{ tool: "read_file", input: { path: "ten.txt" } }],
    [{ tool: "read_file", input: { path: "ten.txt", offset: 3, limit: 4 } }],
    "Read.",
  );
  const r = await run("read it");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^✓ read_file ten\.txt \(10 lines\)$/m);
  assert.match(r.stderr, /^✓ read_file ten\.txt \(lines 3-6 of 10\)$/m);
});

test("the todo list shows as a checklist under its tool line; its arguments are summarized, not JSON", async () => {
  const todos = [
    { content: "read the code", status: "completed" },
    { content: "write the fix", status: "in_progress" },
    { content: "run the tests", status: "pending" },
  ];
  t.fake.push([{ tool: "todo_write", input: { todos } }], "Planned.");
  const r = await run("plan it");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^→ todo_write 3 items$/m, "arguments read as words, not JSON");
  assert.match(
    r.stderr,
    /^✓ todo_write 3 todos\n {2}│ \[x\] 1\. read the code\n {2}│ \[~\] 2\. write the fix\n {2}│ \[ \] 3\. run the tests\n {2}│ 2 open of 3\n/m,
  );
});

test("@file mentions attach the workspace files to the prompt, as in the TUI; other @words are left alone", async () => {
  writeFileSync(join(t.sandbox.workspace, "notes.md"), "remember the milk\n");
  t.fake.push("Noted.");
  const r = await run("summarize @notes.md, and ping @alice");
  assert.equal(r.code, 0, r.stderr);
  const sent = t.fake.requests[0]!.prompt.users.at(-1)!;
  assert.match(
    sent,
    /^summarize @notes\.md, and ping @alice\n\n<file path="notes\.md">\nremember the milk\n\n<\/file>$/,
  );
});

test("run -f attaches images as image parts and text files after the prompt; a missing file is one line", async () => {
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
    "base64",
  );
  writeFileSync(join(t.sandbox.workspace, "shot.png"), png);
  writeFileSync(join(t.sandbox.workspace, "log.txt"), "line one\n");
  t.fake.push("I see a pixel.");
  const r = await run("-f", "shot.png", "-f", "log.txt", "what is this?");
  assert.equal(r.code, 0, r.stderr);
  const content = t.fake.requests[0]!.body.messages.at(-1).content as Array<Record<string, any>>;
  assert.equal(content[0]!.type, "text");
  assert.equal(content[0]!.text, 'what is this?\n\n<file path="log.txt">\nline one\n\n</file>');
  assert.equal(content[1]!.type, "image_url");
  assert.equal(content[1]!.image_url.url, `data:image/png;base64,${png.toString("base64")}`);

  const missing = await run("-f", "nope.png", "hi");
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "codetether: cannot attach nope.png: not a file\n");
  // Binary data with no NUL byte in it is still not text.
  writeFileSync(join(t.sandbox.workspace, "blob.dat"), Buffer.from([0xff, 0xfe, 0x80, 0x41, 0xc3]));
  const binary = await run("-f", "blob.dat", "hi");
  assert.equal(binary.code, 1);
  assert.equal(
    binary.stderr,
    "codetether: cannot attach blob.dat: not UTF-8 text, nor a PNG, JPEG, GIF or WebP image\n",
  );
});
