import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { glob } from "../../util/glob.ts";
import { configDir } from "../../config/paths.ts";
import { parseMarkdownWithFrontmatter } from "../../util/frontmatter.ts";
import { UserError } from "../../contracts/errors.ts";

export interface Skill {
  name: string;
  description: string;
  /** The SKILL.md file. */
  path: string;
  body: string;
}

/** Where skills live: the project's first (they win on a name clash), then the user's. */
export function skillDirs(workspace: string): string[] {
  return [join(workspace, ".codetether", "skills"), join(configDir(), "skills")];
}

/**
 * Every `SKILL.md` with a frontmatter name and description, one per name. A file whose front-matter is
 * not valid YAML is skipped and told to `onInvalid` in one line naming it: one broken skill must not stop
 * every run.
 */
export async function loadSkills(workspace: string, onInvalid?: (message: string) => void): Promise<Skill[]> {
  const skills = new Map<string, Skill>();
  // Most projects have no skills: a stat is far cheaper than setting up a glob walk (every run and task).
  for (const dir of skillDirs(workspace).filter((d) => existsSync(d))) {
    const files = (await glob("**/SKILL.md", { cwd: dir, absolute: true }).catch(() => [])).sort();
    for (const path of files) {
      let skill: Skill | undefined;
      try {
        skill = parseSkill(path, await readFile(path, "utf8").catch(() => ""));
      } catch (error) {
        onInvalid?.((error as Error).message);
      }
      if (skill && !skills.has(skill.name)) skills.set(skill.name, skill);
    }
  }
  return [...skills.values()];
}

/**
 * A SKILL.md's YAML front-matter gives its name (else its folder's) and description; a file without a
 * description is not a skill, one whose front-matter is not valid YAML is a one-line error naming it.
 */
export function parseSkill(path: string, text: string): Skill | undefined {
  let document;
  try {
    document = parseMarkdownWithFrontmatter(text);
  } catch (error) {
    throw new UserError(`invalid skill file ${path}: ${(error as Error).message}`);
  }
  const { name = basenameOfDir(path), description } = document.data;
  if (typeof name !== "string" || typeof description !== "string" || !name.trim() || !description.trim())
    return undefined;
  return { name: name.trim(), description: description.trim(), path, body: document.body };
}

function basenameOfDir(path: string): string {
  return dirname(path).split(/[\\/]/).pop() ?? "";
}
