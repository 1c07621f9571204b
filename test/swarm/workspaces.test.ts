import assert from "node:assert/strict";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { PermissionRequest } from "../../src/contracts/tool.ts";
import { SubtaskWorkspaces } from "../../src/swarm/workspaces.ts";
import type { Subtask } from "../../src/swarm/types.ts";
import { gitInit } from "./swarm-support.ts";

const root = mkdtempSync(join(tmpdir(), "codetether-lanes-"));
after(() => rmSync(root, { recursive: true, force: true }));

test("in a worktree, a path is judged as the workspace's, and so is where a link made in the worktree leads", async () => {
  gitInit(root);
  const workspaces = await SubtaskWorkspaces.open(root, "swarm_test");
  const lane = await workspaces.acquire({ id: "st-1", needs_worktree: true } as Subtask);
  // Made by the sub-agent in its worktree only: the workspace has neither.
  writeFileSync(join(lane.workspace, ".env"), "SECRET=1\n");
  symlinkSync(join(lane.workspace, ".env"), join(lane.workspace, "notes.txt"));
  const judged: string[] = [];
  const authorize = workspaces.authorizeIn(
    lane,
    async (request: PermissionRequest) => void judged.push(request.target),
  );
  await authorize({ tool: "read_file", kind: "read", target: join(lane.workspace, "notes.txt") });
  assert.deepEqual(judged, [join(root, "notes.txt"), join(root, ".env")]);
  await workspaces.merge(lane, "nothing");
});
