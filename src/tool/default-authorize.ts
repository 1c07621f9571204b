import { ToolError, type PermissionRequest } from "./tool.ts";

export type AutoApprove = "all" | "safe" | "none";

/**
 * The baseline policy without a person to ask: everything inside the workspace is allowed; touching a
 * path outside it is refused unless auto-approve is "all".
 */
export function defaultAuthorize(autoApprove: AutoApprove): (request: PermissionRequest) => Promise<void> {
  return async (request) => {
    if (request.external && autoApprove !== "all") {
      throw new ToolError(`permission denied: ${request.tool} on ${request.target} is outside the workspace (rerun with --auto-approve all to allow)`);
    }
  };
}
