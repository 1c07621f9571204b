import assert from "node:assert/strict";
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { LogBusyError } from "../../src/events/log/index.ts";
import { UserError } from "../../src/util/errors.ts";
import { runCli, useFakeModelSandbox } from "../support/cli.ts";

const t = useFakeModelSandbox({ configure: true });
const cacheFiles = () => {
  const dir = join(t.sandbox.env.XDG_CACHE_HOME!, "codetether-agent", "code-cache");
  try {
    return readdirSync(dir).map((name) => join(dir, name));
  } catch {
    return [];
  }
};
const run = () => {
  t.fake.push("ok");
  return runCli(t.sandbox, ["run", "-m", "fake/fake-model", "hi"]);
};

test("run stores its compiled code after a successful run, reuses it, and replaces a damaged cache", async () => {
  const failed = await runCli(t.sandbox, ["run", "-m", "nope/none", "hi"]);
  assert.equal(failed.code, 1);
  assert.deepEqual(cacheFiles(), [], "a failed run leaves no cache");

  assert.equal((await run()).code, 0);
  const [cache] = cacheFiles();
  assert.ok(cache && statSync(cache).size > 100_000, "the cache holds the run's compiled code");
  const written = statSync(cache).mtimeMs;

  const second = await run();
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout.trim(), "ok");
  assert.equal(statSync(cache).mtimeMs, written, "an accepted cache is not rewritten");

  writeFileSync(cache, "not a code cache");
  const third = await run();
  assert.equal(third.code, 0, third.stderr);
  assert.equal(third.stderr, "", "no warning about the cache or the loader");
  assert.notEqual(readFileSync(cache, "utf8"), "not a code cache");
  assert.ok(statSync(cache).size > 100_000);

  // A cache others could have written is code nobody vouches for: not loaded, replaced by a private one.
  chmodSync(cache, 0o666);
  const fourth = await run();
  assert.equal(fourth.code, 0, fourth.stderr);
  assert.equal(statSync(cache).mode & 0o777, 0o600);
});

test("a UserError from another copy of the class (run's bundle) is still a UserError", () => {
  const fromOtherCopy = Object.assign(new Error("session not found: x"), { [Symbol.for("codetether.UserError")]: true, exitCode: 2 });
  assert.ok(fromOtherCopy instanceof UserError);
  assert.ok(!(new Error("plain") instanceof UserError));
  const busy = new LogBusyError("/tmp/log", 1);
  assert.ok(busy instanceof UserError && busy instanceof LogBusyError);
  assert.ok(!(new UserError("x") instanceof LogBusyError));
});
