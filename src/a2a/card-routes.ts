import { AgentCard as AgentCardJson, type AgentCard } from "@a2a-js/sdk";
import { legacyAgentCardRouter } from "@a2a-js/sdk/compat/v0_3/server/express";
import type { A2ARequestHandler } from "@a2a-js/sdk/server";
import { agentCardHandler } from "@a2a-js/sdk/server/express";
import type { RequestHandler } from "express";
import { requestedVersion } from "./requested-version.ts";

/** The spec's well-known path (0.3 and 1.0) first, then the 0.2-era one 0.3 clients can be pointed at. */
export const CARD_PATHS = ["/.well-known/agent-card.json", "/.well-known/agent.json"];

/**
 * Which card shape a fetch without `A2A-Version` gets, per path. The card comes before any negotiation,
 * and 1.0 tools (conformance suites, 1.0 clients) fetch `/.well-known/agent-card.json` without the
 * header, as the 0.3 SDK client does; their requests do not differ, and no one document is both a 1.0
 * AgentCard (which admits no unknown field such as 0.3's `url`) and a card a 0.3 client can connect
 * from. So the spec's path answers 1.0, and the 0.3 card lives at `/.well-known/agent.json` (README).
 */
const HEADERLESS_VERSION: Record<string, string> = {
  "/.well-known/agent-card.json": "1.0",
  "/.well-known/agent.json": "0.3",
};

/**
 * The public card routes, one per path: the shape `A2A-Version` names (0.x: the SDK's translated 0.3
 * card, which also lists the 1.0 interfaces; else the 1.0 card as ProtoJSON), else the path's own;
 * with `ETag`, `Last-Modified` and `Cache-Control`, and 304 for a fresh conditional request.
 */
export function cardRoutes(
  requestHandler: A2ARequestHandler,
  cardModified: () => Date,
): Array<[path: string, ...handlers: RequestHandler[]]> {
  const legacy = legacyAgentCardRouter({ agentCardProvider: requestHandler });
  // The SDK's 1.0 handler sends the card object as is (oneofs as `$case`): it is given the ProtoJSON form.
  const current = agentCardHandler({
    agentCardProvider: async () => AgentCardJson.toJSON(await requestHandler.getAgentCard()) as AgentCard,
  });
  const lastModified: RequestHandler = (_req, res, next) => {
    res.setHeader("Last-Modified", cardModified().toUTCString()); // before the handlers judge freshness
    next();
  };
  return CARD_PATHS.map((path) => {
    const byVersion: RequestHandler = (req, res, next) => {
      const version = req.header("a2a-version") || HEADERLESS_VERSION[path]!;
      if (version.startsWith("0.")) return legacy(req, res, next);
      res.append("Vary", "A2A-Version");
      current(req, res, next);
    };
    return [path, lastModified, requestedVersion(), byVersion];
  });
}
