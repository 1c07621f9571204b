import { z } from "zod";
import { permissionSectionSchema } from "../../permission/rules.ts";

const toolNames = z.array(z.string().min(1));

/** The frontmatter of an agent file (`.codetether/agents/<name>.md`); the body is its prompt. */
export const agentFrontmatterSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-zA-Z0-9_-]+$/, "letters, digits, '-' and '_' only")
      .optional(),
    description: z.string().min(1),
    mode: z.enum(["primary", "subagent", "all"]).optional(),
    model: z.string().min(1).optional(),
    /** A list is the tools allowed; a table may give `allow` and/or `deny` (tool names or globs). */
    tools: z
      .union([toolNames, z.object({ allow: toolNames.optional(), deny: toolNames.optional() }).strict()])
      .optional(),
    permission: permissionSectionSchema.optional(),
  })
  .strict();

export interface AgentProfile {
  name: string;
  description: string;
  /** `primary` for `run --agent`, `subagent` for the `task` tool, `all` for both. */
  mode: "primary" | "subagent" | "all";
  model?: string;
  tools?: { allow?: string[]; deny?: string[] };
  /** Permission overrides applied after config.toml. */
  permission?: z.infer<typeof permissionSectionSchema>;
  /**
   * A project's own permission rules (its `.codetether/agents/*.md`, which a cloned repository can ship and
   * the agent can write): judged apart, they can only make a decision stricter.
   */
  restrict?: z.infer<typeof permissionSectionSchema>;
  /** Appended to the system prompt. */
  prompt?: string;
  /** "built-in" or the file it came from. */
  source: string;
}
