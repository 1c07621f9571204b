import type { Delivery, Subscription } from "../../src/bus/index.ts";

/** The next delivery, failing the test instead of hanging when none comes. */
export async function nextDelivery(subscription: Subscription, timeoutMs = 2_000): Promise<Delivery> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`nothing delivered on '${subscription.pattern}' in ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    const result = await Promise.race([subscription.next(), timeout]);
    if (result.done) throw new Error(`subscription '${subscription.pattern}' ended`);
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}

export async function takeDeliveries(subscription: Subscription, count: number): Promise<Delivery[]> {
  const deliveries: Delivery[] = [];
  while (deliveries.length < count) deliveries.push(await nextDelivery(subscription));
  return deliveries;
}

/** Payloads of the deliveries, with lag notices shown as `lagged:N`. */
export function payloads(deliveries: Delivery[]): unknown[] {
  return deliveries.map((d) => (d.kind === "lagged" ? `lagged:${d.dropped}` : d.payload));
}

/** Polls until `condition` holds; fails after `timeoutMs` (generous: it is a deadline, not a timing claim). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
