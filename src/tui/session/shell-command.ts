import type { CommandRunner } from "../../contracts/command.ts";
import { errorMessage } from "../../contracts/errors.ts";
import { entryId, type ToolEntry } from "../chat/entries.ts";
import type { SessionHost } from "./session-host.ts";

/** A `!cmd` runs at most this long (the sandbox's own limit may be lower). */
const SHELL_TIMEOUT_MS = 120_000;

/**
 * `!cmd`: runs a command in the workspace, in the sandbox as the agent's commands are, and prints its
 * output (the model does not see it); resolves with that entry (undefined when there is no sandbox).
 */
export async function shellCommand(host: SessionHost, command: string): Promise<ToolEntry | undefined> {
  const runner = host.prepared.hooks.commands;
  if (!runner) {
    host.info("no command runner available", "error");
    return undefined;
  }
  const done = await runCommand(runner, command, host.workspace, host.current().session.id);
  host.print([done]);
  return done;
}

async function runCommand(
  runner: CommandRunner,
  command: string,
  workspace: string,
  sessionId: string,
): Promise<ToolEntry> {
  const chunks: Buffer[] = [];
  const entry = {
    id: entryId(),
    kind: "tool" as const,
    callId: `shell-${entryId()}`,
    tool: "!",
    input: { command },
    title: command,
  };
  try {
    const outcome = await runner.run({
      tool: "bash",
      command,
      workspace,
      timeoutMs: SHELL_TIMEOUT_MS,
      signal: AbortSignal.timeout(SHELL_TIMEOUT_MS),
      onOutput: (chunk) => chunks.push(chunk),
      sessionId,
      callId: entry.callId,
    });
    const output = Buffer.concat(chunks).toString("utf8");
    return outcome.violation
      ? { ...entry, state: "error", error: outcome.violation.message }
      : { ...entry, state: "done", output, exitCode: outcome.code };
  } catch (error) {
    return { ...entry, state: "error", error: errorMessage(error) };
  }
}
