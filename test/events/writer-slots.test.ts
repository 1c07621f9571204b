import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { tempDir } from "./temp-dir.ts";

const holder = new URL("./slot-holder.ts", import.meta.url).pathname;

function startHolder(base: string) {
  const child = spawn(process.execPath, ["--import", "tsx", holder, base], { stdio: ["pipe", "pipe", "inherit"] });
  const dir = once(createInterface({ input: child.stdout! }), "line").then(([line]) => line as string);
  return { child, dir };
}

test("processes starting at the same moment each get their own writer slot; a killed holder's slot is free again", async () => {
  const base = join(tempDir(), "events");
  const holders = Array.from({ length: 6 }, () => startHolder(base));
  const dirs = await Promise.all(holders.map((h) => h.dir));
  assert.equal(new Set(dirs).size, 6, dirs.join("\n"));

  const victim = holders[0]!;
  victim.child.kill("SIGKILL");
  await once(victim.child, "exit");
  const next = startHolder(base);
  assert.equal(await next.dir, dirs[0], "the slot of a process killed with -9 is taken over");

  for (const h of [...holders.slice(1), next]) {
    h.child.stdin!.end();
    await once(h.child, "exit");
  }
});
