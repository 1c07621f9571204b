import type { SandboxConfig } from "../config/schema.ts";

/** The limits one tool's commands run under. */
export type SandboxPolicy = Omit<SandboxConfig, "tools">;

/** `[sandbox]` with `[sandbox.tools.<tool>]` on top: each key a tool sets replaces the default's. */
export function policyFor(config: SandboxConfig, tool: string): SandboxPolicy {
  const { tools, ...defaults } = config;
  return { ...defaults, ...tools[tool] };
}
