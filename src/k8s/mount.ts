import type { AuditInput } from "../audit/audit-record.ts";
import type { Config } from "../config/schema.ts";
import type { Handler } from "../server/app.ts";
import { k8sSection } from "./config.ts";
import { createK8sRouter } from "./http-router.ts";
import { SelfDeployment } from "./self-deployment.ts";

/**
 * Serve's Kubernetes self-deployment in one call: `/v1/k8s/*` behind auth and, in a cluster, the
 * reconcile loop. Returns what stops the loop.
 */
export async function mountSelfDeployment(
  server: { mount(path: string, ...handlers: Handler[]): void },
  options: { config: Config; audit: (input: AuditInput) => void; log: (line: string) => void },
): Promise<{ close(): void }> {
  const section = k8sSection(options.config);
  const deployment = await SelfDeployment.open({ section, audit: options.audit, log: options.log });
  server.mount("/v1/k8s", createK8sRouter(deployment));
  deployment?.startLoop();
  return { close: () => deployment?.close() };
}
