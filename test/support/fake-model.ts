// A scripted fake LLM server speaking the real wire formats of OpenAI (chat + responses), Anthropic and Gemini,
// so tests drive the official AI SDK clients over real HTTP without network or keys. See fake-model/script.ts.
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { anthropic } from "./fake-model/anthropic.ts";
import { gemini } from "./fake-model/gemini.ts";
import { openaiChat } from "./fake-model/openai-chat.ts";
import { openaiResponses } from "./fake-model/openai-responses.ts";
import type { RecordedRequest, Turn, TurnOptions } from "./fake-model/script.ts";
import { buildReply, normalizeTurn, takeTurn } from "./fake-model/script.ts";
import type { WireFormat } from "./fake-model/wire-format.ts";
import { encodeSse } from "./fake-model/wire-format.ts";

export type { FormatName, MatchSpec, RecordedRequest, ScriptItem, Turn, TurnOptions } from "./fake-model/script.ts";
export { EXHAUSTED_TEXT } from "./fake-model/script.ts";

export interface FakeModel {
  /** Base URL without a path, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Appends turns to the script. */
  push(...turns: Turn[]): void;
  /** Turns not consumed yet. */
  pending(): number;
  /** Stops the server and cuts any hanging responses. */
  close(): Promise<void>;
}

export interface FakeModelOptions {
  /** Called for every request as it is recorded (before it is answered). */
  onRequest?: (request: RecordedRequest) => void;
}

const FORMATS: WireFormat[] = [openaiChat, openaiResponses, anthropic, gemini];

export async function startFakeModel(script: Turn[] = [], options: FakeModelOptions = {}): Promise<FakeModel> {
  const queue: TurnOptions[] = script.map(normalizeTurn);
  const requests: RecordedRequest[] = [];
  // Lets `close()` end delays of requests still waiting, instead of waiting for them.
  const closing = new AbortController();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `fake model failure: ${String(error)}` } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const pathname = new URL(req.url ?? "/", "http://fake").pathname;
    const format = FORMATS.find((f) => f.handles(pathname));
    const request = record(req, raw, format, pathname);
    requests.push(request);
    options.onRequest?.(request);
    if (format === undefined) return sendJson(res, 404, { error: { message: `fake model: no route for ${req.method} ${req.url}` } });

    const turn = takeTurn(queue, request);
    if (turn.delayMs) await sleep(turn.delayMs, undefined, { signal: closing.signal }).catch(() => {});
    if (turn.error) return sendError(res, format, turn.error);

    const reply = buildReply(turn, request, requests.length);
    if (!request.stream) {
      if (!turn.hang) sendJson(res, 200, format.json(reply));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const { events, finish } = format.stream(reply);
    for (const event of turn.hang ? events : [...events, ...finish]) {
      if (turn.chunkDelayMs) await sleep(turn.chunkDelayMs, undefined, { signal: closing.signal }).catch(() => {});
      if (res.destroyed) return;
      res.write(encodeSse(event));
    }
    if (!turn.hang) res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    push: (...turns) => queue.push(...turns.map(normalizeTurn)),
    pending: () => queue.length,
    close: async () => {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function record(req: IncomingMessage, raw: Buffer, format: WireFormat | undefined, pathname: string): RecordedRequest {
  let body: unknown;
  try {
    body = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : undefined;
  } catch {
    body = undefined;
  }
  const json = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  return {
    method: req.method ?? "GET",
    path: req.url ?? "/",
    format: format?.name ?? "unknown",
    model: format?.model(pathname, json) ?? "",
    stream: format?.isStream(pathname, json) ?? false,
    headers: { ...req.headers },
    body,
    rawLength: raw.length,
    prompt: format?.prompt(json) ?? { system: "", users: [] },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

function sendError(res: ServerResponse, format: WireFormat, error: NonNullable<TurnOptions["error"]>): void {
  const body = error.body ?? format.errorBody(error.status, `fake model: scripted error ${error.status}`);
  sendJson(res, error.status, body, error.headers);
}
