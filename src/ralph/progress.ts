import { appendFileSync, readFileSync } from "node:fs";
import type { CheckResult } from "./gates.ts";

export interface IterationRecord {
  iteration: number;
  storyId: string;
  title: string;
  attempt: number;
  outcome: "passed" | "failed" | "stopped";
  /** Why it failed, one line. */
  reason?: string;
  checks: CheckResult[];
  /** The agent's final answer (clamped). */
  summary: string;
  learnings: string[];
}

const SUMMARY_CHARS = 2000;

export function readProgress(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Appends one markdown section for the iteration: progress.txt is the loop's memory across fresh agents. */
export function appendProgress(path: string, record: IterationRecord): void {
  const lines = [
    `## Iteration ${record.iteration}: ${record.storyId} ${record.title} (attempt ${record.attempt})`,
    `- Time: ${new Date().toISOString()}`,
    `- Result: ${record.outcome}${record.reason ? ` (${record.reason})` : ""}`,
  ];
  if (record.checks.length)
    lines.push(`- Checks: ${record.checks.map((c) => `${c.name} ${c.passed ? "passed" : "failed"}`).join(", ")}`);
  for (const learning of record.learnings) lines.push(`- Learning: ${learning}`);
  const summary = record.summary.trim();
  if (summary) lines.push("", summary.length > SUMMARY_CHARS ? `${summary.slice(0, SUMMARY_CHARS)}…` : summary);
  const failed = record.checks.find((c) => !c.passed);
  if (failed) lines.push("", "```", failed.detail, "```");
  appendFileSync(path, `${lines.join("\n")}\n\n`);
}
