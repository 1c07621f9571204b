import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, useFakeModelSandbox } from "../support/cli.ts";
import { gitInit, planTurn, sh, subagentTurns, synthesisTurn } from "./swarm-support.ts";

const model = ["-m", "fake/fake-model"];
const t = useFakeModelSandbox({ configure: true });

const write = (path: string, content: string) => [{ tool: "write_file", input: { path, content } }];

test("a second swarm in the same repository, home and data dir runs and merges like the first, leaving nothing behind", async () => {
  const ws = t.sandbox.workspace;
  gitInit(ws);
  for (const [round, file] of [
    [1, "one.txt"],
    [2, "two.txt"],
  ] as const) {
    t.fake.push(
      planTurn([{ name: `writer${round}` }]),
      ...subagentTurns("st-1", write(file, `${round}\n`), `wrote ${file}`),
      synthesisTurn(`round ${round} done`),
    );
    const r = await runCli(t.sandbox, ["swarm", "--json", ...model, `write ${file}`]);
    assert.equal(r.code, 0, `round ${round}: ${r.stdout}${r.stderr}`);
    const result = JSON.parse(r.stdout);
    assert.equal(result.success, true, `round ${round}`);
    assert.deepEqual(
      result.subtask_results.map((s: any) => [s.success, s.merged]),
      [[true, true]],
    );
    assert.equal(readFileSync(join(ws, file), "utf8"), `${round}\n`);
    // Nothing left for the next run to trip over: no worktree, no branch, no run directory, a clean tree.
    assert.equal(sh(ws, "worktree", "list").trim().split("\n").length, 1, `round ${round}`);
    assert.equal(sh(ws, "branch", "--list", "codetether/*"), "");
    const runs = join(ws, ".git", "codetether", "worktrees");
    assert.deepEqual(existsSync(runs) ? readdirSync(runs) : [], [], `round ${round}`);
    assert.equal(sh(ws, "status", "--porcelain"), "");
  }
  const list = JSON.parse((await runCli(t.sandbox, ["swarm", "list", "--json"])).stdout);
  assert.deepEqual(
    list.map((s: any) => s.status),
    ["completed", "completed"],
  );
});
