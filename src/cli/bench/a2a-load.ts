// Load for an A2A server: blocking SendMessage (spec 1.0 JSON-RPC) from a number of concurrent callers.
import { nowMs, percentile } from "./measure.ts";

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadTarget {
  /** The JSON-RPC endpoint. */
  url: string;
  headers?: Record<string, string>;
}

/**
 * Sends `count` SendMessage requests, `concurrency` at a time; each must complete its task. Given several
 * targets (replicas of one service), the callers are spread over them in turn.
 */
export async function sendMessageLoad(
  targets: LoadTarget | LoadTarget[],
  count: number,
  concurrency: number,
): Promise<LoadFigures> {
  const spread = Array.isArray(targets) ? targets : [targets];
  const latencies: number[] = [];
  let next = 0;
  const body = (i: number) =>
    JSON.stringify({
      jsonrpc: "2.0",
      id: i,
      method: "SendMessage",
      params: {
        message: { messageId: `m-${process.pid}-${Date.now()}-${i}`, role: "ROLE_USER", parts: [{ text: "say hi" }] },
      },
    });
  const started = nowMs();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, caller) => {
      const target = spread[caller % spread.length]!;
      while (next < count) {
        const i = next++;
        const t0 = nowMs();
        const res = await fetch(target.url, {
          method: "POST",
          headers: { "content-type": "application/json", "a2a-version": "1.0", ...target.headers },
          body: body(i),
        });
        const json = (await res.json()) as { result?: { task?: { status?: { state?: string } } } };
        if (json.result?.task?.status?.state !== "TASK_STATE_COMPLETED")
          throw new Error(`SendMessage did not complete its task: ${JSON.stringify(json).slice(0, 300)}`);
        latencies.push(nowMs() - t0);
      }
    }),
  );
  const elapsed = nowMs() - started;
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: count / (elapsed / 1000),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}
