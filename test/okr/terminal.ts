// Runs the CLI on a pseudo-terminal (util-linux `script`), answering its prompts as they appear.
import { spawn } from "node:child_process";
import { CLI, type Sandbox } from "../support/cli.ts";

export interface TerminalAnswer {
  /** Answer when the output has shown this prompt one more time. */
  prompt: string;
  reply: string;
}

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/** `codetether <args>` on a terminal; each answer is typed once its prompt appears. Resolves with the exit code and the screen. */
export function runOnTerminal(
  sandbox: Sandbox,
  args: string[],
  answers: TerminalAnswer[],
  timeoutMs = 60_000,
): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, CLI, ...args].map(quote).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      cwd: sandbox.workspace,
      env: sandbox.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let screen = "";
    const pending = [...answers];
    const seen = new Map<string, number>();
    const onOutput = (chunk: string) => {
      screen += chunk;
      const next = pending[0];
      if (!next) return;
      const shown = screen.split(next.prompt).length - 1;
      if (shown > (seen.get(next.prompt) ?? 0)) {
        seen.set(next.prompt, shown);
        pending.shift();
        child.stdin.write(next.reply);
      }
    };
    child.stdout.setEncoding("utf8").on("data", onOutput);
    child.stderr.setEncoding("utf8").on("data", onOutput);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}
