import { basename, join } from "node:path";
import { configDir } from "../../config/paths.ts";
import type { Tool } from "../../contracts/tool.ts";
import { UserError } from "../../contracts/errors.ts";
import { matchWildcard } from "../../permission/wildcard.ts";
import { BUILTIN_PROFILES } from "./builtin.ts";
import { loadAgentFiles, type AgentFile } from "./load-files.ts";
import type { AgentProfile } from "./profile.ts";

/** Where custom agents live: the user's, then the project's (later ones override earlier ones by name). */
export function agentDirs(workspace: string, env = process.env): string[] {
  return [join(configDir(env), "agents"), join(workspace, ".codetether", "agents")];
}

/**
 * The custom agent files, the user's then the project's. A project's permission rules only restrict (see
 * AgentProfile.restrict): a file written into the workspace must not lift config.toml's rules next run.
 */
export function agentFiles(workspace: string, env = process.env): AgentFile[] {
  const [user, project] = agentDirs(workspace, env);
  return [
    ...loadAgentFiles(user!),
    ...loadAgentFiles(project!).map((file) =>
      "profile" in file
        ? { ...file, profile: { ...file.profile, permission: undefined, restrict: file.profile.permission } }
        : file,
    ),
  ];
}

/**
 * Built-in agents overridden by the user's, overridden by the project's; sorted by name. An invalid file is
 * left out: it fails only a run that asks for it (see resolveProfile), and `doctor` names it.
 */
export function listProfiles(workspace: string, env = process.env): AgentProfile[] {
  const byName = new Map<string, AgentProfile>();
  const custom = agentFiles(workspace, env).flatMap((file) => ("profile" in file ? [file.profile] : []));
  const projectDir = agentDirs(workspace, env)[1]!;
  for (const profile of [...BUILTIN_PROFILES, ...custom]) {
    // A project's file that takes an existing agent's name keeps that agent's rules (plan stays read-only).
    const overridden = profile.source.startsWith(projectDir) ? byName.get(profile.name) : undefined;
    byName.set(profile.name, overridden ? { ...profile, permission: overridden.permission } : profile);
  }
  // Names are plain identifiers: code-point order, without starting ICU's collator (~7 ms) on every run.
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The named agent profile (for `run --agent` and the `task` tool); unknown names list the known ones. */
export function resolveProfile(name: string, workspace: string, env = process.env): AgentProfile {
  const profiles = listProfiles(workspace, env);
  const profile = profiles.find((p) => p.name === name);
  if (profile) return profile;
  const invalid = agentFiles(workspace, env).find((file) => "error" in file && basename(file.path, ".md") === name);
  if (invalid && "error" in invalid) throw invalid.error;
  throw new UserError(`unknown agent '${name}'; known agents: ${profiles.map((p) => p.name).join(", ")}`);
}

/** The tools a profile may use: its allow list (all when absent) minus its deny list; globs allowed. */
export function profileTools(profile: AgentProfile, tools: Tool[]): Tool[] {
  const matches = (patterns: string[], name: string) => patterns.some((p) => matchWildcard(name, p));
  const { allow, deny } = profile.tools ?? {};
  return tools.filter((t) => (!allow || matches(allow, t.name)) && !(deny && matches(deny, t.name)));
}
