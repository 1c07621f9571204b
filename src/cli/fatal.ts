import { UserError, errorMessage } from "../util/errors.ts";

/** Ends the process with a one-line error (a stack only with CODETETHER_DEBUG=1). */
export function reportFatal(error: unknown): never {
  if (process.env.CODETETHER_DEBUG === "1" && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.stderr.write(`codetether: ${errorMessage(error)}\n`);
  process.exit(error instanceof UserError ? error.exitCode : 1);
}
