/** How long an interrupted run gets to end on its own (records flushed) before the process exits anyway. */
const STOP_GRACE_MS = 1500;

export interface RunStops {
  readonly controller: AbortController;
  /** True once stdout or stderr has no reader any more: output is dropped from then on. */
  readonly outputClosed: boolean;
  /** The run is over: signals get their default behaviour back. */
  dispose(): void;
}

/**
 * What stops a `run` from outside: SIGINT, SIGTERM, or its output closing (`run --json | head -1`) abort
 * the agent, which then ends as an interrupted run does, its records durable and its session resumable.
 * Should it not end within the grace period (a tool deaf to the signal), or on a second signal, `exit`
 * ends the process.
 */
export function watchRunStops(exit: () => void): RunStops {
  const controller = new AbortController();
  let outputClosed = false;
  let grace: NodeJS.Timeout | undefined;
  const stop = (reason: string) => {
    if (controller.signal.aborted) return exit();
    controller.abort(new Error(reason));
    grace = setTimeout(exit, STOP_GRACE_MS);
  };
  const onSigint = () => stop("interrupted");
  const onSigterm = () => stop("terminated");
  const onOutputError = (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE" || outputClosed) return;
    outputClosed = true;
    if (!controller.signal.aborted) stop("output closed");
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  process.stdout.on("error", onOutputError);
  process.stderr.on("error", onOutputError);
  return {
    controller,
    get outputClosed() {
      return outputClosed;
    },
    dispose() {
      clearTimeout(grace);
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigterm);
      process.stdout.off("error", onOutputError);
      process.stderr.off("error", onOutputError);
    },
  };
}
