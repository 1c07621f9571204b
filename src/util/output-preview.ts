const PREVIEW_LINES = 5;
const MAX_LINE = 200;

/**
 * The first lines of a command's output for a person watching (the rest counted), without the
 * `[exit code N]` line bash appends for the model: front ends show the exit code themselves.
 */
function outputPreview(output: string, maxLines = PREVIEW_LINES): string[] {
  const lines = output
    .replace(/\n?\[exit code [^\]]*\]$/, "")
    .trimEnd()
    .split("\n");
  if (lines.length === 1 && (lines[0] === "" || lines[0] === "(no output)")) return [];
  const shown = lines
    .slice(0, maxLines)
    .map((line) => (line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line));
  const more = lines.length - maxLines;
  return more > 0 ? [...shown, `… ${more} more line${more > 1 ? "s" : ""}`] : shown;
}

/** A command's exit code from a tool's metadata: undefined for tools that run no command. */
export function exitCodeOf(metadata: Record<string, unknown> | undefined): number | null | undefined {
  const code = metadata?.exitCode;
  return typeof code === "number" || code === null ? code : undefined;
}

/** Tools whose output is a checklist a person follows (the todo list). */
const CHECKLIST_TOOLS = new Set(["todo_write", "todo_read"]);

/**
 * The output lines a front end shows under a finished tool call: a command's first lines, the todo
 * list whole (up to 30 items); nothing for other tools (their one-line title says enough).
 */
export function shownOutput(
  tool: string,
  output: string,
  exitCode: number | null | undefined,
  maxLines?: number,
): string[] {
  if (exitCode !== undefined) return outputPreview(output, maxLines);
  return CHECKLIST_TOOLS.has(tool) ? outputPreview(output, 31) : [];
}
