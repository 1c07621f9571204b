import express, { Router } from "express";
import { z } from "zod";
import { InvalidCursorError } from "../events/index-query.ts";
import type { MergedPage } from "../events/merged-query.ts";
import { sendHttpError } from "../contracts/http-error.ts";
import type { AuditRecord } from "./audit-record.ts";
import { AuditQuerySchema, queryAudit, recentAudit, withAuditViews } from "./read-audit.ts";
import { jsonBody } from "../server/json-body.ts";

const RecentQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().optional(),
});

/**
 * `GET /v1/audit/events` (newest first, `limit` and `cursor`) and `POST /v1/audit/query` (a JSON body
 * of filters: actor, action, resource, status, correlation ids, replica_id, from/to, limit, cursor). Both answer
 * `{events, next_cursor}`; mount behind authentication. `beforeRead`: this process's writer indexes what it holds.
 */
export function createAuditRouter(options: { dataDir: string; beforeRead?: () => void }): Router {
  const router = Router();
  const answer = (res: express.Response, page: MergedPage<AuditRecord>) =>
    res.json({ events: page.entries.map((entry) => entry.record), next_cursor: page.nextCursor ?? null });

  router.get("/events", async (req, res, next) => {
    const parsed = RecentQuery.safeParse(req.query);
    if (!parsed.success) return sendHttpError(res, 400, describe(parsed.error));
    try {
      options.beforeRead?.();
      answer(
        res,
        await withAuditViews(options.dataDir, (views) => recentAudit(views, parsed.data.limit, parsed.data.cursor)),
      );
    } catch (error) {
      if (error instanceof InvalidCursorError) return sendHttpError(res, 400, error.message);
      next(error);
    }
  });

  router.post("/query", ...jsonBody("64kb"), async (req, res, next) => {
    const parsed = AuditQuerySchema.safeParse(req.body ?? {});
    if (!parsed.success) return sendHttpError(res, 400, describe(parsed.error));
    try {
      options.beforeRead?.();
      answer(res, await withAuditViews(options.dataDir, (views) => queryAudit(views, parsed.data)));
    } catch (error) {
      if (error instanceof InvalidCursorError) return sendHttpError(res, 400, error.message);
      next(error);
    }
  });
  return router;
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message;
}
