import type { AgentProfile } from "./profile.ts";
import explorePrompt from "./explore.md";
import planPrompt from "./plan.md";

const READ_ONLY = { edit: "deny", bash: "deny" } as const;

/** The agents every installation has; files with the same name override them. */
export const BUILTIN_PROFILES: AgentProfile[] = [
  {
    name: "build",
    description: "The default agent: reads, edits and runs commands",
    mode: "primary",
    source: "built-in",
  },
  {
    name: "plan",
    description: "Read-only: investigates and plans, never edits or runs commands",
    mode: "primary",
    permission: READ_ONLY,
    prompt: planPrompt,
    source: "built-in",
  },
  {
    name: "explore",
    description: "Read-only sub-agent that searches the codebase and reports what it found",
    mode: "subagent",
    tools: { allow: ["read_file", "list_dir", "glob", "grep", "codesearch", "lsp"] },
    permission: READ_ONLY,
    prompt: explorePrompt,
    source: "built-in",
  },
];
