// A scripted LLM server speaking the real wire formats of OpenAI (chat + responses), Anthropic and Gemini, so
// the official AI SDK clients run over real HTTP without network or keys: the test suite's fake model, the
// model of `npm run demo` and of `codetether bench`. See script.ts for the script language.
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { anthropic } from "./anthropic.ts";
import { gemini } from "./gemini.ts";
import { openaiChat } from "./openai-chat.ts";
import { openaiResponses } from "./openai-responses.ts";
import type { RecordedRequest, Turn, TurnOptions } from "./script.ts";
import { buildReply, normalizeTurn, takeTurn } from "./script.ts";
import type { WireFormat } from "./wire-format.ts";
import { encodeSse } from "./wire-format.ts";

export type { FormatName, MatchSpec, RecordedRequest, ScriptItem, Turn, TurnOptions } from "./script.ts";
export { EXHAUSTED_TEXT } from "./script.ts";

export interface ScriptedModel {
  /** Base URL without a path, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Every model request received, in order. */
  requests: RecordedRequest[];
  /** `GET …/models` requests (model listings), kept apart from the model's turns. */
  listings: RecordedRequest[];
  /** Appends turns to the script. */
  push(...turns: Turn[]): void;
  /** Turns not consumed yet. */
  pending(): number;
  /** Stops the server and cuts any hanging responses. */
  close(): Promise<void>;
}

export interface ScriptedModelOptions {
  /** Called for every request as it is recorded (before it is answered). */
  onRequest?: (request: RecordedRequest) => void;
  /** Called when a request's answer is complete (sent in full, or an error), e.g. to time what the client does next. */
  onAnswered?: (request: RecordedRequest) => void;
  /** What `GET …/models` lists (default: fake-model). */
  models?: string[];
}

const FORMATS: WireFormat[] = [openaiChat, openaiResponses, anthropic, gemini];

export async function startScriptedModel(
  script: Turn[] = [],
  options: ScriptedModelOptions = {},
): Promise<ScriptedModel> {
  const queue: TurnOptions[] = script.map(normalizeTurn);
  const requests: RecordedRequest[] = [];
  const listings: RecordedRequest[] = [];
  // Lets `close()` end delays of requests still waiting, instead of waiting for them.
  const closing = new AbortController();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `scripted model failure: ${String(error)}` } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const pathname = new URL(req.url ?? "/", "http://scripted").pathname;
    const format = FORMATS.find((f) => f.handles(pathname));
    const request = record(req, raw, format, pathname);
    // OpenAI-compatible model listing (`codetether models`, the model picker): not a model turn.
    if (format === undefined && req.method === "GET" && pathname.endsWith("/models")) {
      listings.push(request);
      return sendJson(res, 200, {
        object: "list",
        data: (options.models ?? ["fake-model"]).map((id) => ({ id, object: "model" })),
      });
    }
    requests.push(request);
    options.onRequest?.(request);
    await answer(req, res, request, format);
    if (res.writableEnded) options.onAnswered?.(request);
  }

  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    request: RecordedRequest,
    format: WireFormat | undefined,
  ): Promise<void> {
    if (format === undefined)
      return sendJson(res, 404, { error: { message: `scripted model: no route for ${req.method} ${req.url}` } });

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
    listings,
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
  const body = error.body ?? format.errorBody(error.status, `scripted model: scripted error ${error.status}`);
  sendJson(res, error.status, body, error.headers);
}
