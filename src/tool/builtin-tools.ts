import type { Tool } from "../contracts/tool.ts";
import { applyPatchTool } from "./builtin/apply-patch.ts";
import { bashTool } from "./builtin/bash.ts";
import { batchTool } from "./builtin/batch.ts";
import { codesearchTool } from "./builtin/codesearch.ts";
import { editTool } from "./builtin/edit.ts";
import { globTool } from "./builtin/glob.ts";
import { grepTool } from "./builtin/grep.ts";
import { imageTool } from "./builtin/image.ts";
import { listDirTool } from "./builtin/list-dir.ts";
import { lspTool } from "./builtin/lsp.ts";
import { multieditTool } from "./builtin/multiedit.ts";
import { planEnterTool, planExitTool } from "./builtin/plan-tools.ts";
import { questionTool } from "./builtin/question.ts";
import { readFileTool } from "./builtin/read-file.ts";
import { skillTool } from "./builtin/skill.ts";
import type { Skill } from "./builtin/skills.ts";
import { taskTool } from "./builtin/task.ts";
import { todoReadTool, todoWriteTool } from "./builtin/todo.ts";
import { webfetchTool } from "./builtin/webfetch.ts";
import { websearchTool } from "./builtin/websearch.ts";
import { writeFileTool } from "./builtin/write-file.ts";

export { loadSkills } from "./builtin/skills.ts";

/**
 * Every built-in tool, in the order the model sees them. Pass the workspace's skills (loadSkills) so
 * the skill tool's description lists them. The names rlm, prd, ralph and swarm are reserved for the
 * orchestration features; `a2a` is added by the agent factory when there are peers to hire.
 */
export function builtinTools(skills: Skill[] = []): Tool[] {
  return [
    readFileTool,
    writeFileTool,
    editTool,
    multieditTool,
    applyPatchTool,
    listDirTool,
    globTool,
    grepTool,
    codesearchTool,
    lspTool,
    bashTool,
    batchTool,
    taskTool,
    webfetchTool,
    websearchTool,
    imageTool,
    todoReadTool,
    todoWriteTool,
    questionTool,
    skillTool(skills),
    planEnterTool,
    planExitTool,
  ] as Tool[];
}

/**
 * The built-in tools a model is offered: all but those that could only fail here, each costing its schema on
 * every request: `skill` when no skill is installed, `websearch` when config.toml has no [websearch].
 */
export function offeredBuiltinTools(skills: Skill[], config: Record<string, unknown>): Tool[] {
  const unusable = new Set([
    ...(skills.length === 0 ? ["skill"] : []),
    ...(config["websearch"] === undefined ? ["websearch"] : []),
  ]);
  return builtinTools(skills).filter((tool) => !unusable.has(tool.name));
}
