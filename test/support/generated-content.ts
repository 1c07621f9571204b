// Generated inputs of each kind the RLM detects (code, logs, conversation, documents), and large logs
// written in streamed batches so that a test or benchmark never holds hundreds of MB itself.
import { closeSync, openSync, writeSync } from "node:fs";

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

const LEVELS = ["INFO", "DEBUG", "WARN", "ERROR"];

/** One log line per second from 2026-01-01; every 97th line is an ERROR naming its request. */
export function logLine(i: number): string {
  const time = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  const level = i % 97 === 0 ? "ERROR" : LEVELS[i % 3]!;
  return `${time} ${level} [worker-${i % 8}] request req-${i} handled in ${(i * 7) % 1000} ms status=${level === "ERROR" ? 503 : 200}`;
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

/** Writes at least `bytes` bytes of log lines to `path` in batches; returns the number of lines. */
export function writeLargeLog(path: string, bytes: number): number {
  const fd = openSync(path, "w");
  let written = 0;
  let line = 0;
  try {
    while (written < bytes) {
      const batch: string[] = [];
      for (let i = 0; i < 10_000; i++) batch.push(logLine(line++));
      const text = `${batch.join("\n")}\n`;
      writeSync(fd, text);
      written += Buffer.byteLength(text);
    }
  } finally {
    closeSync(fd);
  }
  return line;
}
