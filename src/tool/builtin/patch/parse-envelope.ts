import { ToolError } from "../../../contracts/tool.ts";
import type { FileChange, Hunk } from "./types.ts";

/** Parses the `*** Begin Patch` … `*** End Patch` format OpenAI models emit. */
export function parseEnvelopePatch(text: string): FileChange[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  let i = lines.findIndex((line) => line.trim() === "*** Begin Patch");
  if (i < 0) throw new ToolError("patch must start with '*** Begin Patch'");
  const changes: FileChange[] = [];
  i++;
  while (i < lines.length) {
    const line = lines[i]!;
    const header = /^\*\*\* (Add|Delete|Update) File: (.+)$/.exec(line.trim());
    if (line.trim() === "*** End Patch") return changes;
    if (!header) {
      if (line.trim() === "") {
        i++;
        continue;
      }
      throw new ToolError(
        `unexpected line ${i + 1} of the patch: '${line}' (expected '*** Add File:', '*** Update File:', '*** Delete File:' or '*** End Patch')`,
      );
    }
    const [, verb, path] = header as unknown as [string, string, string];
    i++;
    if (verb === "Delete") {
      changes.push({ kind: "delete", path: path.trim() });
      continue;
    }
    const body: string[] = [];
    while (i < lines.length && !lines[i]!.startsWith("*** ") && lines[i]!.trim() !== "*** End Patch")
      body.push(lines[i++]!);
    if (verb === "Add") {
      changes.push({ kind: "add", path: path.trim(), content: addedContent(body, path) });
      continue;
    }
    let moveTo: string | undefined;
    const move = /^\*\*\* Move to: (.+)$/.exec(lines[i]?.trim() ?? "");
    if (move && body.length === 0) {
      moveTo = move[1]!.trim();
      i++;
      while (i < lines.length && !lines[i]!.startsWith("*** ")) body.push(lines[i++]!);
    }
    const hunks = parseHunks(body, path);
    if (lines[i]?.trim() === "*** End of File") {
      const last = hunks.at(-1);
      if (last) last.atEnd = true;
      i++;
      while (i < lines.length && !lines[i]!.startsWith("*** ")) i++;
    }
    if (hunks.length === 0 && !moveTo) throw new ToolError(`'*** Update File: ${path}' has no hunks`);
    changes.push({ kind: "update", path: path.trim(), moveTo, hunks });
  }
  throw new ToolError("patch is missing '*** End Patch'");
}

function addedContent(body: string[], path: string): string {
  const kept = body.filter((line, index) => !(line === "" && index === body.length - 1));
  for (const line of kept) {
    if (!line.startsWith("+"))
      throw new ToolError(`in '*** Add File: ${path}' every line must start with '+', got '${line}'`);
  }
  return kept.map((line) => `${line.slice(1)}\n`).join("");
}

function parseHunks(body: string[], path: string): Hunk[] {
  const hunks: Hunk[] = [];
  let current: Hunk | undefined;
  for (const line of body) {
    if (line.startsWith("@@")) {
      const anchor = line.slice(2).trim();
      current = { anchor: anchor || undefined, oldLines: [], newLines: [] };
      hunks.push(current);
      continue;
    }
    if (!current) {
      current = { oldLines: [], newLines: [] };
      hunks.push(current);
    }
    const op = line[0] ?? " ";
    const content = line.slice(1);
    if (op === " ") {
      current.oldLines.push(content);
      current.newLines.push(content);
    } else if (op === "-") current.oldLines.push(content);
    else if (op === "+") current.newLines.push(content);
    else
      throw new ToolError(`in '*** Update File: ${path}' lines must start with ' ', '-', '+' or '@@', got '${line}'`);
  }
  return hunks.filter((h) => h.oldLines.length > 0 || h.newLines.length > 0);
}
