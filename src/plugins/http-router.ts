import { Router } from "express";
import type { Config } from "../config/schema.ts";
import { describePlugins } from "./installed.ts";

/** `GET /v1/plugins`: the installed plugins as `plugin list --json` shows them; mount behind authentication. */
export function createPluginsRouter(options: { config: Config }): Router {
  const router = Router();
  router.get("/", (_req, res) => {
    res.json({ plugins: describePlugins(options.config) });
  });
  return router;
}
