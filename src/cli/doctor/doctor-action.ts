import { painter, printJson } from "../output.ts";
import { runChecks, type Check } from "./checks.ts";

const MARKS: Record<Check["status"], { mark: string; style: "green" | "yellow" | "red" }> = {
  ok: { mark: "✓", style: "green" },
  warn: { mark: "!", style: "yellow" },
  fail: { mark: "✗", style: "red" },
};

/** `codetether doctor`: one line per check; exit 1 when any failed (warnings do not). */
export async function doctorAction(options: { config?: string; json?: boolean }): Promise<void> {
  const checks = await runChecks(options.config, process.cwd());
  if (options.json) printJson(checks);
  else {
    const paint = painter(process.stdout);
    const width = Math.max(...checks.map((c) => c.area.length));
    for (const check of checks) {
      const { mark, style } = MARKS[check.status];
      const detail = check.detail.replaceAll("\n", `\n${" ".repeat(width + 4)}`);
      process.stdout.write(`${paint(style, mark)} ${check.area.padEnd(width)}  ${detail}\n`);
    }
  }
  if (checks.some((c) => c.status === "fail")) process.exitCode = 1;
}
