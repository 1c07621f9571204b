import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { testWorld } from "./context.ts";

describe("bash", () => {
  it("runs in the workspace and reports the exit code", async () => {
    const w = testWorld();
    w.write({ "f.txt": "hi" });
    assert.equal(await w.call("bash", { command: "cat f.txt" }), "hi");
    assert.match(await w.call("bash", { command: "echo oops >&2; exit 3" }), /oops\n\[exit code 3\]/);
  });

  it("kills the whole process tree on timeout", async () => {
    const w = testWorld();
    await assert.rejects(
      w.call("bash", { command: "(sleep 30; echo leaked > leaked.txt) & sleep 30", timeout: 300 }),
      /timed out after 300 ms: the command and every process it started were killed/,
    );
    assert.throws(() => readFileSync(`${w.workspace}/leaked.txt`));
  });

  it("keeps the end of huge output and saves the full text to a file", async () => {
    const w = testWorld();
    const out = await w.call("bash", { command: "seq 1 50000" });
    assert.ok(Buffer.byteLength(out) < 70 * 1024);
    assert.match(out, /50000$/);
    const file = /full output in (\S+)/.exec(out)?.[1];
    assert.ok(file);
    assert.match(readFileSync(file, "utf8"), /^1\n2\n/);
  });

  it("output beyond what memory should hold goes to a file as it comes; the tail is shown", async () => {
    const w = testWorld();
    const out = await w.call("bash", { command: "seq 1 1000000" }); // ~6.9 MB
    assert.ok(Buffer.byteLength(out) < 70 * 1024);
    assert.match(out, /^\[output truncated: 6888896 bytes; the end is below/);
    assert.match(out, /\n1000000$/);
    const file = /full output in (\S+)/.exec(out)![1]!;
    const full = readFileSync(file, "utf8");
    assert.equal(full.length, 6888896);
    assert.ok(full.startsWith("1\n2\n3\n"));
  });

  it("does not wait for a background job that keeps the pipes open", async () => {
    const w = testWorld();
    const out = await w.call("bash", { command: "sleep 5 & echo started", timeout: 60_000 });
    assert.equal(out, "started");
  });
});
