import { ToolError } from "../../../contracts/tool.ts";
import type { FileChange, Hunk } from "./types.ts";

const HUNK_HEADER = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/;

/**
 * Parses a unified diff (git diff or diff -u). Hunk bodies run until the next header, so wrong line
 * counts in `@@` headers (models often miscount) don't matter; the start line is only a hint.
 */
export function parseUnifiedDiff(text: string): FileChange[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const changes: FileChange[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!(lines[i]!.startsWith("--- ") && lines[i + 1]?.startsWith("+++ "))) {
      i++;
      continue;
    }
    const from = fileName(lines[i]!.slice(4));
    const to = fileName(lines[i + 1]!.slice(4));
    i += 2;
    const hunks: Hunk[] = [];
    while (i < lines.length && !isFileHeader(lines, i)) {
      const header = HUNK_HEADER.exec(lines[i]!);
      if (!header) {
        i++;
        continue;
      }
      const hunk: Hunk = { oldLines: [], newLines: [], hint: Math.max(0, Number(header[1]) - 1) };
      i++;
      for (; i < lines.length && !isFileHeader(lines, i) && !lines[i]!.startsWith("@@"); i++) {
        const line = lines[i]!;
        if (line.startsWith("\\")) continue;
        if (line.startsWith("diff ")) break;
        const op = line[0] ?? " ";
        if (op === " " || line === "") {
          hunk.oldLines.push(line.slice(1));
          hunk.newLines.push(line.slice(1));
        } else if (op === "-") hunk.oldLines.push(line.slice(1));
        else if (op === "+") hunk.newLines.push(line.slice(1));
        else break;
      }
      trimTrailingBlankContext(hunk);
      hunks.push(hunk);
    }
    if (to === null && from !== null) changes.push({ kind: "delete", path: from });
    else if (from === null && to !== null)
      changes.push({
        kind: "add",
        path: to,
        content: hunks
          .flatMap((h) => h.newLines)
          .map((l) => `${l}\n`)
          .join(""),
      });
    else if (from !== null && to !== null)
      changes.push({ kind: "update", path: from, moveTo: to !== from ? to : undefined, hunks });
  }
  if (changes.length === 0)
    throw new ToolError(
      "no file changes found: expected a unified diff ('--- a/file', '+++ b/file', '@@ … @@') or '*** Begin Patch'",
    );
  return changes;
}

function isFileHeader(lines: string[], i: number): boolean {
  return lines[i]!.startsWith("--- ") && Boolean(lines[i + 1]?.startsWith("+++ "));
}

/** `a/src/x.ts` → `src/x.ts`; `/dev/null` → null; drops a tab-separated timestamp. */
function fileName(raw: string): string | null {
  const name = raw.split("\t")[0]!.trim();
  if (name === "/dev/null") return null;
  return /^[ab]\//.test(name) ? name.slice(2) : name;
}

/** A diff pasted with a trailing empty line must not demand an extra blank line in the file. */
function trimTrailingBlankContext(hunk: Hunk): void {
  while (
    hunk.oldLines.length > 0 &&
    hunk.oldLines.at(-1) === "" &&
    hunk.newLines.at(-1) === "" &&
    hunk.oldLines.length + hunk.newLines.length > 2
  ) {
    hunk.oldLines.pop();
    hunk.newLines.pop();
  }
}
