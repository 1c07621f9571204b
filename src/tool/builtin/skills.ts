import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { glob } from "tinyglobby";
import { configDir } from "../../config/paths.ts";

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

/** Every `SKILL.md` with a frontmatter name and description, one per name. */
export async function loadSkills(workspace: string): Promise<Skill[]> {
  const skills = new Map<string, Skill>();
  // Most projects have no skills: a stat is far cheaper than setting up a glob walk (every run and task).
  for (const dir of skillDirs(workspace).filter((d) => existsSync(d))) {
    const files = (await glob("**/SKILL.md", { cwd: dir, absolute: true }).catch(() => [])).sort();
    for (const path of files) {
      const skill = parseSkill(path, await readFile(path, "utf8").catch(() => ""));
      if (skill && !skills.has(skill.name)) skills.set(skill.name, skill);
    }
  }
  return [...skills.values()];
}

/** Reads `---\nname: …\ndescription: …\n---` frontmatter; a file without both is not a skill. */
export function parseSkill(path: string, text: string): Skill | undefined {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) return undefined;
  const fields = new Map<string, string>();
  for (const line of match[1]!.split(/\r?\n/)) {
    const field = /^([A-Za-z_-]+):\s*(.*)$/.exec(line);
    if (field) fields.set(field[1]!.toLowerCase(), field[2]!.trim().replace(/^["']|["']$/g, ""));
  }
  const name = fields.get("name") || basenameOfDir(path);
  const description = fields.get("description");
  if (!name || !description) return undefined;
  return { name, description, path, body: match[2]!.trim() };
}

function basenameOfDir(path: string): string {
  return dirname(path).split(/[\\/]/).pop() ?? "";
}
