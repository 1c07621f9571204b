import { existsSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { glob } from "../util/glob.ts";
import type { VerificationStep } from "./prd.ts";
import { outputTail, runCheckCommand, type CheckResult, type CommandCheck } from "./gates.ts";

/** Files under `root` matching the pattern (relative to the project root). */
async function matching(root: string, pattern: string): Promise<string[]> {
  return glob(pattern, { cwd: root, dot: true, ignore: ["**/node_modules/**", "**/.git/**"] });
}

/** A path of the PRD must stay in the project: the orchestrator checks nothing outside it. */
function inside(root: string, path: string): string | undefined {
  const full = resolve(root, path);
  const rel = relative(root, full);
  return rel.startsWith("..") || isAbsolute(rel) ? undefined : full;
}

async function shellStep(step: Extract<VerificationStep, { type: "shell" }>, check: CommandCheck): Promise<string> {
  const cwd = step.cwd ? inside(check.root, step.cwd) : check.root;
  if (!cwd) return `cwd ${step.cwd} is outside the project`;
  const run = await runCheckCommand(check, step.name ?? "verify", step.command, cwd);
  if (!run.ok) return `${step.command}: ${run.why}\n${outputTail(run.output)}`;
  const missing = step.expect_output_contains.filter((text) => !run.output.includes(text));
  if (missing.length)
    return `output of ${step.command} lacks ${missing.map((m) => JSON.stringify(m)).join(", ")}\n${outputTail(run.output)}`;
  for (const pattern of step.expect_files_glob)
    if ((await matching(check.root, pattern)).length === 0) return `no file matches ${pattern}`;
  return "";
}

async function fileExistsStep(step: Extract<VerificationStep, { type: "file_exists" }>, root: string): Promise<string> {
  if (step.path) {
    const full = inside(root, step.path);
    if (!full) return `${step.path} is outside the project`;
    if (!existsSync(full) || !statSync(full).isFile()) return `${step.path} does not exist`;
  }
  if (step.glob && (await matching(root, step.glob)).length === 0) return `no file matches ${step.glob}`;
  return "";
}

async function urlStep(step: Extract<VerificationStep, { type: "url" }>, signal: AbortSignal): Promise<string> {
  try {
    const response = await fetch(step.url, {
      method: step.method,
      signal: AbortSignal.any([signal, AbortSignal.timeout(step.timeout_secs * 1000)]),
    });
    const body = await response.text();
    if (response.status !== step.expect_status)
      return `${step.method} ${step.url}: status ${response.status}, expected ${step.expect_status}`;
    const missing = step.expect_body_contains.filter((text) => !body.includes(text));
    if (missing.length)
      return `${step.method} ${step.url}: body lacks ${missing.map((m) => JSON.stringify(m)).join(", ")}`;
    return "";
  } catch (error) {
    // fetch's own message is only "fetch failed": the cause says why (refused, unknown host, timeout).
    const cause = (error as Error & { cause?: Error }).cause;
    return `${step.method} ${step.url}: ${(error as Error).message}${cause?.message ? ` (${cause.message})` : ""}`;
  }
}

const targetOf = (step: VerificationStep): string =>
  step.type === "shell" ? step.command : step.type === "url" ? step.url : (step.path ?? step.glob ?? "");

/** A story's verification steps in order; stops at the first that fails. */
export async function runVerificationSteps(
  steps: VerificationStep[],
  check: CommandCheck,
  onResult: (result: CheckResult) => void = () => {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [index, step] of steps.entries()) {
    const detail =
      step.type === "shell"
        ? await shellStep(step, check)
        : step.type === "file_exists"
          ? await fileExistsStep(step, check.root)
          : await urlStep(step, check.signal);
    const result = {
      name: step.name ?? `verify ${index + 1} (${step.type})`,
      passed: !detail,
      target: targetOf(step),
      detail,
    };
    results.push(result);
    onResult(result);
    if (detail) break;
  }
  return results;
}
