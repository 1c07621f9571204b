import type { Config } from "../config/schema.ts";
import { sqliteApprovals } from "./approvals.ts";
import { PermissionEngine, type AskCallback } from "./engine.ts";
import { rulesFromSection, type PermissionSection } from "./rules.ts";

export interface EngineSetup {
  config: Config;
  dataDir: string;
  workspace: string;
  /** The agent profile's name and permission overrides, applied after config.toml, and its restrictions. */
  profile?: { name: string; permission?: PermissionSection; restrict?: PermissionSection };
  ask?: AskCallback;
}

/** The engine a front end uses: defaults, then config.toml, then the agent profile; "always" kept in SQLite. */
export function createPermissionEngine(setup: EngineSetup): PermissionEngine {
  const rules = [
    ...rulesFromSection(setup.config.permission, "config.toml [permission]"),
    ...(setup.profile?.permission ? rulesFromSection(setup.profile.permission, `agent '${setup.profile.name}'`) : []),
  ];
  const restrict = setup.profile?.restrict;
  return new PermissionEngine({
    workspace: setup.workspace,
    rules,
    restrictions: restrict ? rulesFromSection(restrict, `the project's agent '${setup.profile!.name}'`) : [],
    ask: setup.ask,
    approvals: sqliteApprovals(setup.dataDir, setup.workspace),
  });
}
