import type { SandboxConfig } from "../config/schema.ts";

/** The limits one tool's commands run under. */
export type SandboxPolicy = Omit<SandboxConfig, "tools">;

/**
 * Where a tool's own defaults differ from `[sandbox]`'s: a language server lives as long as the session or
 * serve, so a per-command CPU-seconds limit would end it every few CPU-minutes (a year instead).
 */
const TOOL_DEFAULTS: Record<string, Partial<SandboxPolicy>> = { lsp: { max_cpu_seconds: 365 * 24 * 3600 } };

/** `[sandbox]` with the tool's defaults and `[sandbox.tools.<tool>]` on top: each key a tool sets replaces the default's. */
export function policyFor(config: SandboxConfig, tool: string): SandboxPolicy {
  const { tools, ...defaults } = config;
  return { ...defaults, ...TOOL_DEFAULTS[tool], ...tools[tool] };
}
