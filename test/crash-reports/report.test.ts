// The crash report builder: what a report may hold is fixed, so no message, prompt, secret or path outside
// the install can reach it, however the error was made.
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { buildCrashReport } from "../../src/crash-reports/report.ts";

const SECRET = "sk-ant-api03-SECRETVALUE0123456789";
const PROMPT = "refactor the PROMPTWORD billing module";
const ROOT = "/opt/codetether";
const context = { version: "9.9.9", command: "run", installRoot: ROOT, now: new Date("2026-01-02T03:04:05.678Z") };

/** A real Error (real V8 stack) whose frames are then made to sit in and outside the install. */
function errorWith(message: string, frames: string[]): Error {
  const error = new TypeError(message);
  error.stack = `TypeError: ${message}\n${frames.map((f) => `    ${f}`).join("\n")}`;
  return error;
}

describe("buildCrashReport", () => {
  it("keeps version, platform, command, error name and code, and frames relative to the install", () => {
    const error = errorWith(`cannot read ${SECRET} while handling "${PROMPT}"`, [
      `at parseThing (${ROOT}/dist/chunks/parse-AB12.js:10:5)`,
      `at async Promise.all (index 0)`,
      `at Module._compile (node:internal/modules/cjs/loader:1554:14)`,
      `at readUserFile (/home/alice/projects/PROMPTWORD/secret-plans.ts:3:1)`,
      `at file://${ROOT}/dist/actions/run-action.js:7:9`,
    ]);
    (error as Error & { code: string }).code = "ERR_SOMETHING";
    const report = buildCrashReport(error, context);
    assert.match(report.id, /^crash-20260102T030405Z-[0-9a-f]{6}$/);
    assert.equal(report.created_at, "2026-01-02T03:04:05.678Z");
    assert.equal(report.version, "9.9.9");
    assert.equal(report.command, "run");
    assert.equal(report.platform, process.platform);
    assert.equal(report.node, process.version);
    assert.deepEqual(report.error, { name: "TypeError", code: "ERR_SOMETHING" });
    assert.deepEqual(report.stack, [
      "at parseThing (dist/chunks/parse-AB12.js:10:5)",
      "at async Promise.all (index 0)",
      "at Module._compile (node:internal/modules/cjs/loader:1554:14)",
      "at readUserFile (<outside the install>:3:1)",
      "at dist/actions/run-action.js:7:9",
    ]);
    const text = JSON.stringify(report);
    for (const leak of [SECRET, "PROMPTWORD", "alice", "secret-plans", "billing"])
      assert.ok(!text.includes(leak), leak);
  });

  it("does not mistake lines of the message for frames", () => {
    const message = `${PROMPT}\n    at ${SECRET} (${ROOT}/dist/x.js:1:1)\n    at PROMPTWORD (node:fs:1:1)`;
    const report = buildCrashReport(errorWith(message, [`at realFrame (${ROOT}/dist/cli.cjs:1:2)`]), context);
    assert.deepEqual(report.stack, ["at realFrame (dist/cli.cjs:1:2)"]);
    assert.ok(!JSON.stringify(report).includes("PROMPTWORD"));
  });

  it("drops the frames when the message can no longer be found in the stack", () => {
    const error = new Error(`first ${PROMPT}`);
    void error.stack; // V8 formats the stack on first use: with the first message
    error.message = "changed later";
    const report = buildCrashReport(error, context);
    assert.deepEqual(report.stack, []);
    assert.match(report.stack_omitted!, /could not be told apart/);
    assert.ok(!JSON.stringify(report).includes("PROMPTWORD"));
  });

  it("keeps no free text from error names, codes or thrown non-errors", () => {
    const named = errorWith("x", []);
    named.name = `Bad ${SECRET}`;
    (named as Error & { code: string }).code = `code with ${PROMPT}`;
    assert.deepEqual(buildCrashReport(named, context).error, { name: "Error" });
    const thrown = buildCrashReport(`${PROMPT} ${SECRET}`, context);
    assert.deepEqual(thrown.error, { name: "thrown string" });
    assert.deepEqual(thrown.stack, []);
    assert.ok(!JSON.stringify(thrown).includes(SECRET));
  });

  it("reads a real V8 stack of this process", () => {
    const report = buildCrashReport(new RangeError(`bad ${PROMPT}`), { ...context, installRoot: undefined });
    assert.equal(report.error.name, "RangeError");
    assert.match(report.stack[0]!, /test\/crash-reports\/report\.test\.ts:\d+:\d+\)$/);
    assert.ok(!JSON.stringify(report).includes(process.cwd()));
  });
});
