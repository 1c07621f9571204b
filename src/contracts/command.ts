/** One command line a tool runs (bash's), for the sandbox runner. */
export interface CommandRequest {
  /** The tool running it: `[sandbox.tools.<name>]` applies. */
  tool: string;
  /** Run by `bash -c`. */
  command: string;
  /** Where it runs; the one directory it may write (besides a private /tmp) in workspace-write mode. */
  workspace: string;
  /** The wall-clock limit the tool asks for; the sandbox's `timeout_secs` caps it. */
  timeoutMs: number;
  signal: AbortSignal;
  /** stdout and stderr as they come. */
  onOutput(chunk: Buffer): void;
  /** For the audit record of a violation. */
  sessionId: string;
  callId: string;
}

/** What the sandbox stopped: a write outside, a connection with no network, a limit. */
export type ViolationKind = "write" | "network" | "memory" | "cpu" | "timeout";

export interface SandboxViolation {
  kind: ViolationKind;
  /** One sentence for the model: what was refused and which setting allows it. */
  message: string;
}

export interface CommandOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** The timeout that applied (the asked one, capped by the sandbox). */
  timeoutMs: number;
  violation?: SandboxViolation;
}

/** Runs tools' commands confined (the sandbox service); the whole process tree ends with the command. */
export interface CommandRunner {
  run(request: CommandRequest): Promise<CommandOutcome>;
}
