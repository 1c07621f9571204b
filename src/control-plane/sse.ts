import type { Response } from "express";

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
