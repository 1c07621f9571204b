import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const MAX_LINES = 2000;
export const MAX_BYTES = 50 * 1024;

export interface TruncateOptions {
  maxLines?: number;
  maxBytes?: number;
  /** Keep the beginning (files, listings) or the end (command output, where errors land). */
  keep?: "head" | "tail";
  /** Where to save the full text when it is cut; the hint tells the model the path. */
  outputDir: string;
  name: string;
}

/** The one truncation used by every tool: cut to the limits and say where the full output is. */
export function truncateOutput(text: string, options: TruncateOptions): string {
  return truncateToFile(text, options).text;
}

/** truncateOutput, also giving the file that holds the full output when it was cut (for the agent's RLM routing). */
export function truncateToFile(text: string, options: TruncateOptions): { text: string; fullOutputPath?: string } {
  const maxLines = options.maxLines ?? MAX_LINES;
  const maxBytes = options.maxBytes ?? MAX_BYTES;
  const lines = text.split("\n");
  if (lines.length <= maxLines && Buffer.byteLength(text) <= maxBytes) return { text };

  const ordered = options.keep === "tail" ? [...lines].reverse() : lines;
  const kept: string[] = [];
  let bytes = 0;
  for (const line of ordered) {
    const size = Buffer.byteLength(line) + 1;
    if (kept.length >= maxLines || bytes + size > maxBytes) break;
    kept.push(line);
    bytes += size;
  }
  if (options.keep === "tail") kept.reverse();

  mkdirSync(options.outputDir, { recursive: true });
  const file = join(options.outputDir, `${options.name}-${Date.now().toString(36)}.txt`);
  writeFileSync(file, text, { mode: 0o600 });
  const omitted = lines.length - kept.length;
  const hint = `[output truncated: ${omitted} of ${lines.length} lines omitted; full output in ${file} (use read_file with offset, or grep)]`;
  const cut = options.keep === "tail" ? `${hint}\n${kept.join("\n")}` : `${kept.join("\n")}\n${hint}`;
  return { text: cut, fullOutputPath: file };
}
