// A temporary git repository holding a small Node project whose package.json has a real `test` script,
// and the PRDs and scripted story agents the Ralph tests drive through it.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Turn } from "../support/fake-model.ts";

export const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

/**
 * The Node project in the sandbox's workspace. The CLI must not inherit NODE_TEST_CONTEXT from this test
 * runner: the project's own `node --test` would then report to a parent that is not there and exit 0.
 */
export function nodeProject(sandbox: { workspace: string; env: NodeJS.ProcessEnv }): void {
  delete sandbox.env.NODE_TEST_CONTEXT;
  const dir = sandbox.workspace;
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "demo", version: "1.0.0", scripts: { test: "node --test test/" } }, null, 2),
  );
  mkdirSync(join(dir, "test"), { recursive: true });
  writeFileSync(join(dir, "test", "smoke.test.js"), 'require("node:test")("smoke", () => {});\n');
  writeFileSync(join(dir, ".gitignore"), "node_modules\n");
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", ".");
  git(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "initial");
}

export interface StorySpec {
  id: string;
  title: string;
  depends_on?: string[];
  priority?: number;
  verification_steps?: unknown[];
}

export function writePrd(dir: string, stories: StorySpec[], extra: Record<string, unknown> = {}): string {
  const path = join(dir, "prd.json");
  writeFileSync(
    path,
    JSON.stringify(
      {
        project: "demo",
        feature: "Math helpers",
        branch_name: "ralph/math-helpers",
        quality_checks: { test: "npm run test" },
        user_stories: stories.map((s) => ({
          description: `Implement ${s.title}`,
          acceptance_criteria: [`${s.title} works`],
          ...s,
        })),
        ...extra,
      },
      null,
      2,
    ),
  );
  return path;
}

export const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

/** The turns of one story's agent: write the files, then report the story complete. */
export function storyTurns(id: string, files: Record<string, string>, summary = `Implemented ${id}.`): Turn[] {
  const match = { lastUserContains: `Your story: ${id} ` };
  return [
    {
      match,
      items: Object.entries(files).map(([path, content]) => ({ tool: "write_file", input: { path, content } })),
    },
    { match, items: [{ text: `${summary}\nSTORY_COMPLETE: ${id}` }] },
  ];
}

/** A module and its node:test file: the project's `npm run test` gate runs the test. */
export function moduleWithTest(name: string, body: string, assertion: string): Record<string, string> {
  return {
    [`src/${name}.js`]: body,
    [`test/${name}.test.js`]: `const test = require("node:test");\nconst assert = require("node:assert");\nconst m = require("../src/${name}.js");\ntest("${name}", () => { ${assertion} });\n`,
  };
}
