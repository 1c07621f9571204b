import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { buildCrashReport } from "../../crash-reports/report.ts";
import { saveCrashReport } from "../../crash-reports/store.ts";
import { version } from "../../version.ts";

export interface CrashContext {
  /** `--config`, when given. */
  configPath?: string;
  /** The command path that was running, e.g. "run" or "sessions list". */
  command: string;
}

/** Saves a crash report when `[telemetry] crash_reporting` is on (off by default); returns its path. */
export function recordCrash(error: unknown, context: CrashContext): string | undefined {
  const { config } = loadConfig(context.configPath);
  if (!config.telemetry.crash_reporting) return undefined;
  return saveCrashReport(dataDir(), buildCrashReport(error, { version, command: context.command }));
}
