import { dataDir } from "../../config/paths.ts";
import { crashReportsDir, takeUnannounced } from "../../crash-reports/store.ts";

/** At start-up: tells the user once about crash reports saved since the last notice. */
export function announceCrashReports(stream: NodeJS.WritableStream = process.stderr): void {
  try {
    const fresh = takeUnannounced(dataDir());
    if (!fresh.length) return;
    const what = fresh.length === 1 ? "a crash report was" : `${fresh.length} crash reports were`;
    stream.write(
      `codetether: ${what} saved in ${crashReportsDir(dataDir())} ([telemetry] crash_reporting is on). ` +
        "`codetether crash list` shows them, `crash send` shares them, `crash clear` removes them.\n",
    );
  } catch {
    // an unreadable reports directory must not stop the command
  }
}
