// Symlinks in the workspace do not lead glob and grep out of it, and read_file judges where a link leads.
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { jsonLines, runCli, useFakeModelSandbox } from "../support/cli.ts";

describe("symlinks in the workspace", () => {
  const t = useFakeModelSandbox({ configure: true });

  test("glob and grep stay inside; read_file through a link to .env asks as .env does", async () => {
    const outside = join(t.sandbox.root, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "leak.txt"), "outside-marker\n");
    writeFileSync(join(t.sandbox.workspace, ".env"), "DB_PASSWORD=env-marker\n");
    writeFileSync(join(t.sandbox.workspace, "inside.txt"), "inside-marker\n");
    symlinkSync(outside, join(t.sandbox.workspace, "linked"));
    symlinkSync(join(outside, "leak.txt"), join(t.sandbox.workspace, "leak-link.txt"));
    symlinkSync(".env", join(t.sandbox.workspace, "notes.txt"));
    t.fake.push(
      [
        { tool: "glob", input: { pattern: "**/*" }, id: "glob" },
        { tool: "grep", input: { pattern: "marker" }, id: "grep" },
        { tool: "read_file", input: { path: "notes.txt" }, id: "read" },
      ],
      "done",
    );
    const run = await runCli(t.sandbox, ["run", "--json", "-m", "fake/fake-model", "look around"]);
    assert.equal(run.code, 0, run.stderr);
    const events = jsonLines(run.stdout);
    const result = (id: string) => events.find((e) => e.callId === id && /^tool-(completed|error)$/.test(e.type))!;

    assert.equal(result("glob").type, "tool-completed");
    assert.match(result("glob").output, /inside\.txt/);
    assert.doesNotMatch(result("glob").output, /leak/);
    assert.equal(result("grep").type, "tool-completed");
    assert.match(result("grep").output, /inside-marker/);
    assert.doesNotMatch(result("grep").output, /outside-marker/);
    assert.equal(result("read").type, "tool-error", JSON.stringify(result("read")));
    assert.match(result("read").error, /needs approval/);
    assert.doesNotMatch(JSON.stringify(t.fake.requests.at(-1)!.body), /env-marker/);
  });
});
