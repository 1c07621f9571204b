import type { Request, Response } from "express";

/** A Server-Sent Events response: frames with ids, comments to keep proxies and clients from timing out. */
export class SseResponse {
  readonly #res: Response;
  readonly #keepAlive: NodeJS.Timeout;

  constructor(res: Response, keepAliveMs: number) {
    this.#res = res;
    res.status(200);
    res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
    res.setHeader("Cache-Control", "no-cache, no-transform");
    res.setHeader("Connection", "keep-alive");
    res.setHeader("X-Accel-Buffering", "no");
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    this.#keepAlive = setInterval(() => this.comment("keep-alive"), keepAliveMs);
    res.on("close", () => clearInterval(this.#keepAlive));
  }

  event(event: string, data: unknown, id?: number | string): void {
    const idLine = id === undefined ? "" : `id: ${id}\n`;
    this.#write(`${idLine}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  comment(text: string): void {
    this.#write(`: ${text}\n\n`);
  }

  onClose(listener: () => void): void {
    this.#res.on("close", listener);
  }

  #write(frame: string): void {
    if (!this.#res.writableEnded && !this.#res.destroyed) this.#res.write(frame);
  }
}

/**
 * The stream position to resume after: `Last-Event-ID` (or `?last_event_id=`), else the beginning; an id
 * that is not a non-negative integer becomes the router's own 400 error.
 */
export function lastEventId(req: Request, invalid: (message: string) => Error): number {
  const raw =
    req.header("last-event-id") ?? (typeof req.query.last_event_id === "string" ? req.query.last_event_id : undefined);
  if (raw === undefined || raw.trim() === "") return 0;
  if (!/^\d+$/.test(raw.trim())) throw invalid(`invalid Last-Event-ID '${raw}': expected a non-negative integer`);
  return Number(raw.trim());
}
