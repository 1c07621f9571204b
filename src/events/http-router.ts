import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { sendHttpError } from "../contracts/http-error.ts";
import { withEventViews } from "./read-events.ts";
import { SessionBytes } from "./session-bytes.ts";

const EventsQuery = z.object({
  session: z
    .string({ error: "the session query parameter is required" })
    .min(1, "the session query parameter is required"),
  offset: z.coerce.number().int().min(0).optional(), // default: the stream's first byte kept
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

/**
 * `GET /v1/events?session=ID&offset=N&limit=M`: the session's records as JSON Lines, from byte `offset`
 * of the session's stream (its records' lines in order). `X-Next-Offset` is where to continue.
 * A `Range: bytes=…` header is honoured on the same byte stream (206, or 416 past the end). Bytes of
 * records removed by `[logs]` retention are gone (410; `X-Stream-Start` is the first one kept).
 * `beforeRead`: this process's writer indexes what it holds.
 */
export function createEventsRouter(options: { dataDir: string; beforeRead?: () => void }): Router {
  const router = Router();
  router.get("/", async (req, res, next) => {
    try {
      const parsed = EventsQuery.safeParse(req.query);
      if (!parsed.success) return sendHttpError(res, 400, parsed.error.issues[0]!.message);
      options.beforeRead?.();
      await withEventViews(options.dataDir, (views) =>
        sendEvents(req, res, new SessionBytes(views, parsed.data.session), parsed.data),
      );
    } catch (error) {
      next(error);
    }
  });
  return router;
}

async function sendEvents(
  req: Request,
  res: Response,
  stream: SessionBytes,
  query: z.infer<typeof EventsQuery>,
): Promise<void> {
  res.setHeader("Accept-Ranges", "bytes");
  res.setHeader("Content-Type", "application/x-ndjson");
  res.setHeader("X-Stream-Length", String(stream.total));
  res.setHeader("X-Stream-Start", String(stream.removed));
  const range = parseRange(req.headers.range, stream.total, stream.removed);
  if (range === "unsatisfiable") {
    res.setHeader("Content-Range", `bytes */${stream.total}`);
    return sendHttpError(res, 416, `the range is outside the session's ${stream.total} bytes`);
  }
  const offset = query.offset ?? stream.removed;
  const from = range ? range.first : offset;
  if (from < stream.removed)
    return sendHttpError(
      res,
      410,
      `bytes before ${stream.removed} of the session's stream were removed by [logs] retention; continue from offset ${stream.removed}`,
    );
  if (range) {
    const bytes = await stream.read(range.first, range.last);
    res.status(206).setHeader("Content-Range", `bytes ${range.first}-${range.last}/${stream.total}`);
    res.setHeader("X-Next-Offset", String(range.last + 1));
    res.end(bytes);
    return;
  }
  if (offset > stream.total || !stream.isBoundary(offset)) {
    return sendHttpError(
      res,
      400,
      `offset ${offset} is not the start of a record of the session (its stream has ${stream.total} bytes)`,
    );
  }
  const page = await stream.readRecords(offset, query.limit);
  res.setHeader("X-Next-Offset", String(page.next));
  res.status(200).end(page.bytes);
}

/**
 * One `bytes=` range (first-last, first-, or -suffix, which does not reach below `start`); anything
 * else is ignored as RFC 9110 allows.
 */
function parseRange(
  header: string | undefined,
  total: number,
  start: number,
): { first: number; last: number } | "unsatisfiable" | undefined {
  const match = header && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    return suffix === 0 || total === start
      ? "unsatisfiable"
      : { first: Math.max(start, total - suffix), last: total - 1 };
  }
  const first = Number(match[1]);
  const last = match[2] === "" ? total - 1 : Math.min(Number(match[2]), total - 1);
  return first >= total || last < first ? "unsatisfiable" : { first, last };
}
