// Generated inputs of each kind the RLM detects (code, logs, conversation, documents); large logs are
// written in streamed batches by the generator `codetether bench` ships (src/cli/bench/generated-log.ts).
import { logLine } from "../../src/cli/bench/generated-log.ts";

export { writeLargeLog } from "../../src/cli/bench/generated-log.ts";

export function generatedCode(functions: number): string {
  const out = ['import { readFileSync } from "node:fs";', ""];
  for (let i = 0; i < functions; i++)
    out.push(
      `export function handler${i}(input: string): number {`,
      `  const value = input.length * ${i};`,
      `  if (value > ${i * 10}) {`,
      `    return value - ${i};`,
      "  }",
      "  return value;",
      "}",
      "",
    );
  return out.join("\n");
}

export function generatedLogs(lines: number): string {
  return Array.from({ length: lines }, (_, i) => logLine(i)).join("\n");
}

export function generatedConversation(turns: number): string {
  const out: string[] = [];
  for (let i = 0; i < turns; i++)
    out.push(
      `User: Can you help me with question number ${i}?`,
      `Assistant: Of course. For question ${i} the answer is ${i * 3}; tell me if you need more.`,
      "",
    );
  return out.join("\n");
}

export function generatedDocument(sections: number): string {
  const out = ["# Operations handbook", ""];
  for (let i = 0; i < sections; i++)
    out.push(
      `## Section ${i}: keeping the service healthy`,
      "",
      `This section explains how the team keeps the service healthy during week ${i} of the quarter.`,
      "Every change is reviewed by two people before it reaches the production environment.",
      "When an alert fires the person on call reads the runbook and writes down what they observed.",
      "",
    );
  return out.join("\n");
}
