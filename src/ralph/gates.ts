import type { CommandRunner } from "../contracts/command.ts";
import { QUALITY_GATES, type QualityGate } from "./prd.ts";
import type { QualityChecks } from "./project-checks.ts";

/** What one check (a quality gate or a verification step) gave. */
export interface CheckResult {
  name: string;
  passed: boolean;
  /** The command or target it checked. */
  target: string;
  /** Why it failed and the end of its output (empty when it passed). */
  detail: string;
}

const TAIL_LINES = 40;
const TAIL_CHARS = 4000;

/** The end of a command's output: what a failing check tells the next attempt. */
export function outputTail(output: string): string {
  const lines = output.trimEnd().split("\n").slice(-TAIL_LINES).join("\n");
  return lines.length > TAIL_CHARS ? `…${lines.slice(-TAIL_CHARS)}` : lines;
}

export interface CommandCheck {
  runner: CommandRunner;
  /** The PRD's project root: the checks run there, and it is what they may write. */
  root: string;
  signal: AbortSignal;
  sessionId: string;
  timeoutMs?: number;
}

const shellQuote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

/** Runs one command line in the sandbox from `cwd` (default the project root); resolves with its exit and output. */
export async function runCheckCommand(
  check: CommandCheck,
  name: string,
  command: string,
  cwd = check.root,
): Promise<{ ok: boolean; output: string; why: string }> {
  let output = "";
  const outcome = await check.runner.run({
    tool: "ralph",
    // The sandbox starts commands in the workspace; a step's own cwd is entered by the shell.
    command: cwd === check.root ? command : `cd ${shellQuote(cwd)} && ${command}`,
    workspace: check.root,
    timeoutMs: check.timeoutMs ?? 600_000,
    signal: check.signal,
    sessionId: check.sessionId,
    callId: `ralph-${name}`,
    onOutput: (chunk) => (output += chunk.toString("utf8")),
  });
  const why = outcome.aborted
    ? "stopped"
    : outcome.timedOut
      ? `timed out after ${Math.round(outcome.timeoutMs / 1000)}s`
      : outcome.violation
        ? outcome.violation.message
        : outcome.code === 0
          ? ""
          : `exit code ${outcome.code ?? outcome.signal}`;
  return { ok: why === "", output, why };
}

/** The quality gates in order typecheck, lint, test, build; stops at the first failure. */
export async function runQualityGates(
  checks: QualityChecks,
  check: CommandCheck,
  onResult: (result: CheckResult) => void = () => {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const gate of QUALITY_GATES as readonly QualityGate[]) {
    const command = checks[gate];
    if (!command) continue;
    const run = await runCheckCommand(check, gate, command);
    const result = {
      name: gate,
      passed: run.ok,
      target: command,
      detail: run.ok ? "" : `${command}: ${run.why}\n${outputTail(run.output)}`,
    };
    results.push(result);
    onResult(result);
    if (!run.ok) break;
  }
  return results;
}
