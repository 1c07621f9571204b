import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { UserError } from "../../contracts/errors.ts";
import { parseMarkdownWithFrontmatter } from "../../util/frontmatter.ts";
import { agentFrontmatterSchema, type AgentProfile } from "./profile.ts";

/** One agent file: its profile, or why it is invalid (a one-line UserError naming the file). */
export type AgentFile = { path: string; profile: AgentProfile } | { path: string; error: UserError };

/** Every `*.md` agent file of a directory, parsed; a missing directory is none. */
export function loadAgentFiles(dir: string): AgentFile[] {
  // Read on every task and run, and usually absent: a stat costs less than the error readdir throws.
  if (!existsSync(dir)) return [];
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith(".md"))
      .sort();
  } catch {
    return [];
  }
  return names.map((name) => {
    const path = join(dir, name);
    try {
      return { path, profile: parseAgentFile(path, readFileSync(path, "utf8")) };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return { path, error };
    }
  });
}

export function parseAgentFile(path: string, text: string): AgentProfile {
  let document;
  try {
    document = parseMarkdownWithFrontmatter(text);
  } catch (error) {
    throw new UserError(`invalid agent file ${path}: ${(error as Error).message}`);
  }
  const parsed = agentFrontmatterSchema.safeParse(document.data);
  if (!parsed.success) throw new UserError(`invalid agent file ${path}: ${describe(parsed.error)}`);
  const { name, description, mode, model, tools, permission } = parsed.data;
  return {
    name: name ?? basename(path, ".md"),
    description,
    mode: mode ?? "all",
    model,
    tools: Array.isArray(tools) ? { allow: tools } : tools,
    permission,
    prompt: document.body || undefined,
    source: path,
  };
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0]!;
  if (issue.code === "unrecognized_keys") return `unknown key ${issue.keys.map((k) => `'${k}'`).join(", ")}`;
  return `'${issue.path.join(".")}': ${issue.message}`;
}
