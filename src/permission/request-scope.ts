import { dirname, isAbsolute, relative, sep } from "node:path";
import type { PermissionRequest, ToolKind } from "../contracts/tool.ts";
import type { Approval } from "./approvals.ts";
import { simpleCommands } from "./shell-commands.ts";
import { realOfNearestExisting } from "../util/real-path.ts";
import { isDirectory } from "../util/is-directory.ts";

/** Group keys a rule can name instead of each tool: every read tool is `read`, every edit tool `edit`… */
const GROUP_OF_KIND: Partial<Record<ToolKind, string>> = {
  read: "read",
  edit: "edit",
  execute: "bash",
  network: "network",
};

/** The permission keys a request answers to: its tool name, then its group. */
export function permissionKeys(request: PermissionRequest): string[] {
  const group = GROUP_OF_KIND[request.kind];
  return group && group !== request.tool ? [request.tool, group] : [request.tool];
}

/** What rule patterns are matched against: paths both absolute and workspace-relative, else the target. */
export function targetForms(request: PermissionRequest, workspace: string): string[] {
  if (!isPathKind(request.kind) || !isAbsolute(request.target)) return [request.target];
  const rel = relative(workspace, request.target);
  const inside = rel && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
  return inside ? [request.target, rel] : [request.target];
}

/**
 * The forms of a path's real location when symlinks make it differ from the path given (`notes.txt` linking
 * to `.env`, `link/p.txt` inside a linked folder): rules also judge where the tool really reads or writes.
 */
export function realTargetForms(request: PermissionRequest, realWorkspace: string): string[] | undefined {
  if (!isPathKind(request.kind) || !isAbsolute(request.target)) return undefined;
  const real = realOfNearestExisting(request.target);
  if (real === request.target) return undefined;
  return targetForms({ ...request, target: real }, realWorkspace);
}

/**
 * The standing approvals an "always" answer records: broad enough to stop repeated prompts, no broader.
 * A command line gets one per simple command that `needsApproval` (`echo hi && ls`: `echo hi *`, `ls *`),
 * since a line is approved when each of its commands is.
 */
export function alwaysApprovals(
  request: PermissionRequest,
  permission: string,
  needsApproval: (command: string) => boolean = () => true,
): Approval[] {
  // The folder a path is in, or the folder itself (listing /home/me/proj must not approve all of /home/me).
  if (permission === "external_directory")
    return [{ permission, pattern: `${isDirectory(request.target) ? request.target : dirname(request.target)}/*` }];
  if (permission === "private_network") return [{ permission, pattern: `${originOf(request.target)}/*` }];
  if (request.kind === "execute") {
    const commands = simpleCommands(request.target)?.filter(needsApproval);
    const lines = commands?.length ? commands : [request.target];
    return [...new Set(lines.map(commandApprovalPattern))].map((pattern) => ({ permission: request.tool, pattern }));
  }
  if (request.kind === "network") return [{ permission: request.tool, pattern: `${originOf(request.target)}/*` }];
  if (isPathKind(request.kind)) return [{ permission: request.tool, pattern: request.target }];
  return [{ permission: request.tool, pattern: "*" }];
}

/** How a request reads in a message: `bash \`npm test\``, `write_file on src/a.ts`. */
export function describeRequest(request: PermissionRequest): string {
  if (request.kind === "execute") return `${request.tool} \`${request.target}\``;
  // A link is named with where it leads: "notes.txt" alone would hide that it is .env.
  const real =
    isPathKind(request.kind) && isAbsolute(request.target) ? realOfNearestExisting(request.target) : undefined;
  return `${request.tool} on ${request.target}${real && real !== request.target ? ` (→ ${real})` : ""}`;
}

/**
 * "Always" for a command: the program and its first argument (`npm test *`, `git status *`), not the
 * program alone (`cd *` would allow anything after a cd); a compound command line only as it is.
 */
export function commandApprovalPattern(line: string): string {
  const commands = simpleCommands(line);
  if (!commands || commands.length !== 1) return line.trim().replace(/[*?]/g, "?");
  const words = commands[0]!.split(/\s+/).slice(0, 2);
  return `${words.join(" ").replace(/[*?]/g, "?")} *`;
}

function isPathKind(kind: ToolKind): boolean {
  return kind === "read" || kind === "edit";
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
