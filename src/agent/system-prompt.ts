import { existsSync, readFileSync } from "node:fs";
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
    const path = join(workspace, file);
    // Read on every task and run, and usually absent: a stat costs less than the error a failed read throws.
    if (!existsSync(path)) continue;
    try {
      const text = readFileSync(path, "utf8").slice(0, MAX_INSTRUCTION_BYTES).trim();
      if (text) return { file, text };
    } catch {
      // gone since, or unreadable: try the next name
    }
  }
  return undefined;
}
