import { Router, type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { apiActor } from "../audit/actor.ts";
import { sendHttpError } from "../contracts/http-error.ts";
import { K8sRequestError, type SelfDeployment } from "./self-deployment.ts";
import { jsonBody } from "../server/json-body.ts";

const NOT_IN_CLUSTER =
  "not running in a Kubernetes cluster: KUBERNETES_SERVICE_HOST is unset and [k8s] kubeconfig is not configured";

/** The largest replica count `scale` accepts: a typo should not start a thousand pods. */
const MAX_REPLICAS = 100;
const scaleBody = z.object({ replicas: z.number().int().min(0).max(MAX_REPLICAS) }).strict();

/**
 * `/v1/k8s`: GET /status, POST /scale {replicas}, POST /health, POST /reconcile. Without a cluster,
 * status answers `{in_cluster: false}` and the actions 409. Mount behind authentication.
 */
export function createK8sRouter(deployment: SelfDeployment | undefined): Router {
  const router = Router();
  const actor = (req: Request) => apiActor(req.headers.authorization, true, req.socket.remoteAddress);
  const answer =
    (handle: (self: SelfDeployment, req: Request) => Promise<unknown>) =>
    async (req: Request, res: Response, next: NextFunction) => {
      if (!deployment) return sendHttpError(res, 409, NOT_IN_CLUSTER);
      try {
        res.json(await handle(deployment, req));
      } catch (error) {
        if (error instanceof K8sRequestError) return sendHttpError(res, error.status, error.message);
        next(error);
      }
    };

  router.get("/status", (req, res, next) => {
    if (!deployment) return void res.json({ in_cluster: false });
    void answer((self) => self.status())(req, res, next);
  });
  router.post(
    "/scale",
    ...jsonBody("4kb"),
    answer((self, req) => {
      const body = scaleBody.safeParse(req.body);
      if (!body.success)
        throw new K8sRequestError(400, `body must be {"replicas": <integer from 0 to ${MAX_REPLICAS}>}`);
      return self.scale(body.data.replicas, actor(req));
    }),
  );
  router.post(
    "/health",
    answer((self, req) => self.health(actor(req))),
  );
  router.post(
    "/reconcile",
    answer((self, req) => self.reconcile(actor(req))),
  );
  return router;
}
