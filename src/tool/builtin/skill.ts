import { dirname } from "node:path";
import { z } from "zod";
import { defineTool, ToolError, type Tool } from "../../contracts/tool.ts";
import description from "./skill.txt";
import { loadSkills, type Skill } from "./skills.ts";

const parameters = z.object({ name: z.string().min(1) });

/** The skill tool; given the skills found at startup, its description lists them for the model. */
export function skillTool(available: Skill[] = []): Tool<typeof parameters> {
  const listing = available.map((s) => `- ${s.name}: ${s.description}`).join("\n");
  return defineTool({
    name: "skill",
    description: listing ? `${description.trim()}\nAvailable:\n${listing}` : description,
    kind: "read",
    parameters,
    async targets({ name }, ctx) {
      const skills = await loadSkills(ctx.workspace);
      const skill = skills.find((s) => s.name === name);
      if (!skill) {
        const names = skills.map((s) => s.name).join(", ");
        throw new ToolError(
          `no skill named '${name}'; ${names ? `available: ${names}` : "no skills are installed (.codetether/skills/<name>/SKILL.md)"}`,
        );
      }
      return [{ target: skill.path, skill }];
    },
    async execute(_args, _ctx, [{ skill }]) {
      return {
        output: `# Skill: ${skill.name}\nFiles it mentions are relative to ${dirname(skill.path)}\n\n${skill.body}`,
        title: skill.name,
      };
    },
  });
}
