import express, { type Router } from "express";
import type { AgentRegistry } from "../agent-registry.ts";

/** `GET /` — every agent the registry knows: local ones, and remote ones (bus neighbours, discovered peers). */
export function agentsRouter(registry: AgentRegistry): Router {
  const router = express.Router();
  router.get("/", (_req, res) => {
    res.json({ agents: registry.list() });
  });
  return router;
}
