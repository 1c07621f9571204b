import { readFileSync } from "node:fs";
import { join } from "node:path";
import base from "./prompt/system.txt";

const INSTRUCTION_FILES = ["AGENTS.md", "CLAUDE.md"];
const MAX_INSTRUCTION_BYTES = 16 * 1024;

/** The system prompt: the lean base, the environment, and the project's own instructions (AGENTS.md). */
export function buildSystemPrompt(workspace: string, extra?: string): string {
  const parts = [
    base.trim(),
    `Workspace: ${workspace}\nPlatform: ${process.platform}\nDate: ${new Date().toISOString().slice(0, 10)}`,
  ];
  if (extra) parts.push(extra.trim());
  const instructions = projectInstructions(workspace);
  if (instructions) parts.push(`Project instructions (${instructions.file}):\n${instructions.text}`);
  return parts.join("\n\n");
}

function projectInstructions(workspace: string): { file: string; text: string } | undefined {
  for (const file of INSTRUCTION_FILES) {
    try {
      const text = readFileSync(join(workspace, file), "utf8").slice(0, MAX_INSTRUCTION_BYTES).trim();
      if (text) return { file, text };
    } catch {
      // not there: try the next name
    }
  }
  return undefined;
}
