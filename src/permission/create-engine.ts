import type { Config } from "../config/schema.ts";
import { sqliteApprovals } from "./approvals.ts";
import { PermissionEngine, type AskCallback } from "./engine.ts";
import { rulesFromSection, type PermissionSection } from "./rules.ts";

export interface EngineSetup {
  config: Config;
  dataDir: string;
  workspace: string;
  /** The agent profile's name and permission overrides, applied after config.toml. */
  profile?: { name: string; permission?: PermissionSection };
  ask?: AskCallback;
}

/** The engine a front end uses: defaults, then config.toml, then the agent profile; "always" kept in SQLite. */
export function createPermissionEngine(setup: EngineSetup): PermissionEngine {
  const rules = [
    ...rulesFromSection(setup.config.permission, "config.toml [permission]"),
    ...(setup.profile?.permission ? rulesFromSection(setup.profile.permission, `agent '${setup.profile.name}'`) : []),
  ];
  return new PermissionEngine({
    workspace: setup.workspace,
    rules,
    ask: setup.ask,
    approvals: sqliteApprovals(setup.dataDir, setup.workspace),
  });
}
