import { UserError, errorMessage } from "../contracts/errors.ts";
import type { CrashContext } from "./crash/record-crash.ts";
import { redactText } from "../util/redact.ts";

let ending = false;

/**
 * Ends the process with a one-line error (a stack only with CODETETHER_DEBUG=1). Anything but a
 * UserError is a crash: it is saved as a crash report first when `[telemetry] crash_reporting` is on.
 */
export function reportFatal(error: unknown, context: CrashContext = { command: "codetether" }): void {
  if (ending) return; // a second failure while the first is being reported
  ending = true;
  if (process.env.CODETETHER_DEBUG === "1" && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.stderr.write(`codetether: ${redactText(errorMessage(error))}\n`);
  if (error instanceof UserError) process.exit(error.exitCode);
  // The recorder (config, report builder) loads only on this path, keeping start-up light.
  import("./crash/record-crash.ts")
    .then(({ recordCrash }) => recordCrash(error, context))
    .catch(() => undefined) // no report (e.g. the config itself is broken): the error line above stands
    .finally(() => process.exit(1));
}
