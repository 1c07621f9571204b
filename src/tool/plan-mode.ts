import { ToolError, type PermissionRequest, type PlanModeState } from "../contracts/tool.ts";

/** What plan mode refuses: anything that changes files or runs commands. */
const BLOCKED_IN_PLAN_MODE = new Set(["edit", "execute"]);

/** Wraps a run's permission gate so that, while plan mode is active, edits and commands are refused. */
export function guardPlanMode(
  authorize: (request: PermissionRequest) => Promise<void>,
  state: PlanModeState,
): (request: PermissionRequest) => Promise<void> {
  return async (request) => {
    if (state.active && BLOCKED_IN_PLAN_MODE.has(request.kind)) {
      throw new ToolError(
        `plan mode: ${request.tool} is not allowed until the plan is approved; finish the plan, then call plan_exit`,
      );
    }
    await authorize(request);
  };
}
