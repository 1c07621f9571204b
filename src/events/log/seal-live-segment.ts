import { openLog } from "./append-log.ts";
import { LogBusyError } from "./writer-lock.ts";

/**
 * Seals the live segment of the log in `dir` (see AppendLog.seal) so that archival takes its records,
 * by opening the log as its writer for a moment. A log that another live process writes is left to
 * that writer, which closes segments by size and age itself (never two writers): the LogBusyError
 * returned names it. "empty": the live segment holds no records, so there is nothing to seal.
 */
export async function sealLiveSegment(dir: string): Promise<"sealed" | "empty" | LogBusyError> {
  let log;
  try {
    log = await openLog(dir);
  } catch (error) {
    if (error instanceof LogBusyError) return error;
    throw error;
  }
  try {
    if (log.end().offset === 0) return "empty";
    await log.seal();
    return "sealed";
  } finally {
    await log.close();
  }
}
