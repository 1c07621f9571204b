// A service log of any size, for `codetether bench` and the tests: written in streamed batches, so that
// nothing ever holds hundreds of MB itself.
import { closeSync, openSync, writeSync } from "node:fs";

const LEVELS = ["INFO", "DEBUG", "WARN", "ERROR"];

/** One log line per second from 2026-01-01; every 97th line is an ERROR naming its request. */
export function logLine(i: number): string {
  const time = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  const level = i % 97 === 0 ? "ERROR" : LEVELS[i % 3]!;
  return `${time} ${level} [worker-${i % 8}] request req-${i} handled in ${(i * 7) % 1000} ms status=${level === "ERROR" ? 503 : 200}`;
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
