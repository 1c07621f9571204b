import type { AskCallback } from "./engine.ts";

/**
 * What `ask` becomes when nobody is there to answer (`run --auto-approve`): `all` approves every ask,
 * `safe` approves reads and edits inside the workspace (never commands or outside paths), `none`
 * refuses. Explicit `deny` rules never reach here, so no level overrides them.
 */
export type AutoApprove = "all" | "safe" | "none";

export const AUTO_APPROVE_LEVELS: readonly AutoApprove[] = ["all", "safe", "none"];

export function autoApproveAsk(level: AutoApprove): AskCallback {
  return async ({ request }) => {
    if (level === "all") return { reply: "once" };
    const safe = !request.external && (request.kind === "read" || request.kind === "edit");
    if (level === "safe" && safe) return { reply: "once" };
    const hint = level === "safe" ? "--auto-approve all" : safe ? "--auto-approve safe or all" : "--auto-approve all";
    return {
      reply: "reject",
      reason: `nobody can approve it in a non-interactive run; rerun with ${hint} or allow it in config.toml [permission]`,
    };
  };
}
