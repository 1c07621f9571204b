import { displayUrl } from "../util/display-url.ts";
import type { CrashReport } from "./report.ts";

/**
 * POSTs `{reports: [...]}` as JSON to `endpoint`; throws with the endpoint's status when it does not
 * answer 2xx. The reports are exactly what `crash show` prints: nothing is added on the way.
 */
export async function sendCrashReports(endpoint: string, reports: CrashReport[], timeoutMs = 15_000): Promise<void> {
  const res = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ reports }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`${displayUrl(endpoint)} answered ${res.status}`);
}
