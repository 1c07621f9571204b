import { configSchema, type Config } from "../config/schema.ts";

/** The `[permission]` section (also an agent profile's overrides): per key an action, or pattern → action. */
export type PermissionSection = Config["permission"];
export type PermissionAction = "allow" | "ask" | "deny";
export const permissionSectionSchema = configSchema.shape.permission.unwrap();

export interface PermissionRule {
  /** A tool name, a group key (`read`, `edit`, `bash`, `network`, `external_directory`) or a glob of them. */
  permission: string;
  /** Matched against the request's target: path, command line, URL, or MCP arguments. */
  pattern: string;
  action: PermissionAction;
  /** Where the rule comes from, for the message when it refuses ("config.toml", "agent plan"). */
  source: string;
}

/**
 * The built-in baseline; everything else is appended after it and wins when it matches
 * (reads and edits allowed, `.env` files ask to be read or changed, anything outside the workspace asks,
 * private and loopback addresses are refused to network tools unless a rule allows them).
 */
export const DEFAULT_RULES: PermissionRule[] = [
  { permission: "*", pattern: "*", action: "allow", source: "default" },
  ...(["read", "edit"] as const).flatMap((permission) => [
    { permission, pattern: "*.env", action: "ask" as const, source: "default" },
    { permission, pattern: "*.env.*", action: "ask" as const, source: "default" },
    { permission, pattern: "*.env.example", action: "allow" as const, source: "default" },
  ]),
  { permission: "external_directory", pattern: "*", action: "ask", source: "default" },
  { permission: "private_network", pattern: "*", action: "deny", source: "default" },
];

/**
 * Flattens a `[permission]` section into rules in file order, except that keys with a wildcard come
 * first: `"*" = "deny"` next to `bash = "allow"` then means "deny all but bash" whatever the order.
 */
export function rulesFromSection(section: PermissionSection, source: string): PermissionRule[] {
  const keys = Object.keys(section);
  const ordered = [...keys.filter((k) => k.includes("*")), ...keys.filter((k) => !k.includes("*"))];
  return ordered.flatMap((permission) => {
    const value = section[permission]!;
    if (typeof value === "string") return [{ permission, pattern: "*", action: value, source }];
    return Object.entries(value).map(([pattern, action]) => ({ permission, pattern, action, source }));
  });
}
