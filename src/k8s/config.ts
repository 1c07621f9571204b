import { z } from "zod";
import type { Config } from "../config/schema.ts";
import { UserError } from "../contracts/errors.ts";
import { describeIssue } from "../config/describe-issue.ts";

/** The `[k8s]` section of config.toml (this feature validates its own section). */
export const k8sSectionSchema = z
  .object({
    /** A kubeconfig file to reach a cluster from outside it (inside one, the pod's service account is used). */
    kubeconfig: z.string().min(1).optional(),
    /** Default: the pod's namespace (POD_NAMESPACE or the service account's), else the kubeconfig context's. */
    namespace: z.string().min(1).optional(),
    /** The Deployment this serve belongs to; default: derived from its own pod (POD_NAME or HOSTNAME). */
    deployment: z.string().min(1).optional(),
    /** How often the reconcile loop checks the deployment's pods. */
    reconcile_interval_secs: z.number().positive().default(30),
    /** A pod running this long without becoming ready counts as unhealthy. */
    unready_grace_secs: z.number().nonnegative().default(120),
    /** After a rolling restart, the next one waits at least this long (the new pods need time to start). */
    restart_cooldown_secs: z.number().nonnegative().default(300),
    /** How long one API call may take: a stuck API server must not hang a request or the reconcile loop. */
    api_timeout_secs: z.number().positive().default(10),
  })
  .strict();

export type K8sSection = z.infer<typeof k8sSectionSchema>;

export function k8sSection(config: Config): K8sSection {
  const result = k8sSectionSchema.safeParse(config.k8s ?? {});
  if (result.success) return result.data;
  const issue = { ...result.error.issues[0]!, path: ["k8s", ...result.error.issues[0]!.path] };
  throw new UserError(`invalid config [k8s]: ${describeIssue(issue, z.object({ k8s: k8sSectionSchema }))}`);
}
