// Edit tools' permission requests carry a preview of the change (for the TUI's diff before the choice),
// and the runner snapshots files before edit tools run (for /undo).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { PermissionRequest, ProposedChange } from "../../src/contracts/tool.ts";
import { EditSnapshots } from "../../src/tool/edit-snapshots.ts";
import { testWorld } from "./context.ts";

test("edit, multiedit and write_file ask with a preview of the change; refused, nothing is written", async () => {
  const world = testWorld();
  world.write({ "a.txt": "one\ntwo\n" });
  const previews: ProposedChange[] = [];
  const refuse = async (request: PermissionRequest) => {
    previews.push(await request.preview!());
    throw new Error("refused");
  };
  const calls: Array<[string, unknown]> = [
    ["edit", { path: "a.txt", old_string: "two", new_string: "2" }],
    [
      "multiedit",
      {
        path: "a.txt",
        edits: [
          { old_string: "one", new_string: "1" },
          { old_string: "two", new_string: "2" },
        ],
      },
    ],
    ["write_file", { path: "new.txt", content: "fresh\n" }],
  ];
  for (const [tool, args] of calls) await assert.rejects(world.call(tool, args, { authorize: refuse }), /refused/);
  const a = join(world.workspace, "a.txt");
  assert.deepEqual(previews, [
    { path: a, before: "one\ntwo\n", after: "one\n2\n" },
    { path: a, before: "one\ntwo\n", after: "1\n2\n" },
    { path: join(world.workspace, "new.txt"), before: "", after: "fresh\n" },
  ]);
  assert.equal(readFileSync(a, "utf8"), "one\ntwo\n");
});

test("the runner snapshots edited files per turn; undo puts them back and removes created ones", async () => {
  const snapshots = new EditSnapshots();
  const world = testWorld({ editSnapshots: snapshots });
  world.write({ "a.txt": "v1\n" });
  snapshots.startTurn();
  await world.call("edit", { path: "a.txt", old_string: "v1", new_string: "v2" });
  snapshots.startTurn();
  await world.call("edit", { path: "a.txt", old_string: "v2", new_string: "v3" });
  await world.call("write_file", { path: "b.txt", content: "new\n" });
  await world.call("bash", { command: "echo side > c.txt" });
  assert.deepEqual(await snapshots.undo(1), {
    turns: 1,
    files: [join(world.workspace, "a.txt"), join(world.workspace, "b.txt")],
  });
  assert.equal(readFileSync(join(world.workspace, "a.txt"), "utf8"), "v2\n");
  assert.throws(() => readFileSync(join(world.workspace, "b.txt")));
  assert.equal(readFileSync(join(world.workspace, "c.txt"), "utf8"), "side\n", "commands are not undone");
  assert.equal((await snapshots.undo(5)).turns, 1);
  assert.equal(readFileSync(join(world.workspace, "a.txt"), "utf8"), "v1\n");
});
