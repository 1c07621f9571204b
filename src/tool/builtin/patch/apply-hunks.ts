import { ToolError } from "../../../contracts/tool.ts";
import { closestRegion } from "../closest-region.ts";
import type { Hunk } from "./types.ts";

/** Line comparisons from strict to lenient: models often get trailing or leading whitespace wrong. */
const COMPARISONS: Array<(a: string, b: string) => boolean> = [
  (a, b) => a === b,
  (a, b) => a.trimEnd() === b.trimEnd(),
  (a, b) => a.trim() === b.trim(),
];

/**
 * Applies hunks to a file's text, locating each by its context (and `@@` anchor) at or after the previous
 * one; line numbers only break ties. Throws a ToolError naming the hunk and the closest region on a miss.
 */
export function applyHunks(text: string, hunks: Hunk[], display: string): string {
  const endsWithNewline = text.endsWith("\n");
  const lines = text === "" ? [] : (endsWithNewline ? text.slice(0, -1) : text).split("\n");
  const replacements: Array<{ at: number; remove: number; insert: string[] }> = [];
  let cursor = 0;
  let shift = 0;
  hunks.forEach((hunk, index) => {
    if (hunk.anchor) {
      const anchorAt = findSequence(lines, [hunk.anchor], cursor);
      if (anchorAt < 0)
        throw new ToolError(`hunk ${index + 1} of ${display}: context line '@@ ${hunk.anchor}' not found`);
      cursor = anchorAt + 1;
    }
    const at = locate(lines, hunk, cursor, shift);
    if (at < 0) {
      const region = closestRegion(lines.join("\n"), hunk.oldLines.join("\n"));
      const hint = region ? `\nClosest region of ${display}:\n${region}` : "";
      throw new ToolError(
        `hunk ${index + 1} of ${display} does not match the file (its context and '-' lines must be current file lines).${hint}`,
      );
    }
    if (hunk.hint !== undefined) shift = at - hunk.hint;
    replacements.push({ at, remove: hunk.oldLines.length, insert: hunk.newLines });
    cursor = at + hunk.oldLines.length;
  });
  for (const r of replacements.reverse()) lines.splice(r.at, r.remove, ...r.insert);
  const joined = lines.join("\n");
  return endsWithNewline || (text === "" && joined !== "") ? `${joined}\n` : joined;
}

function locate(lines: string[], hunk: Hunk, cursor: number, shift: number): number {
  if (hunk.oldLines.length === 0) {
    // A pure insertion: where the diff says, else after the anchor, else at the end.
    if (hunk.hint !== undefined) return Math.min(Math.max(hunk.hint + shift, cursor), lines.length);
    return hunk.anchor ? cursor : lines.length;
  }
  if (hunk.atEnd) {
    const at = lines.length - hunk.oldLines.length;
    return at >= cursor && COMPARISONS.some((same) => matchesAt(lines, hunk.oldLines, at, same)) ? at : -1;
  }
  for (const same of COMPARISONS) {
    const matches: number[] = [];
    for (let at = cursor; at + hunk.oldLines.length <= lines.length; at++) {
      if (matchesAt(lines, hunk.oldLines, at, same)) matches.push(at);
    }
    if (matches.length === 0) continue;
    if (hunk.hint === undefined) return matches[0]!;
    const expected = hunk.hint + shift;
    return matches.reduce((best, at) => (Math.abs(at - expected) < Math.abs(best - expected) ? at : best));
  }
  return -1;
}

function findSequence(lines: string[], wanted: string[], from: number): number {
  for (const same of COMPARISONS) {
    for (let at = from; at + wanted.length <= lines.length; at++) if (matchesAt(lines, wanted, at, same)) return at;
  }
  return -1;
}

function matchesAt(lines: string[], wanted: string[], at: number, same: (a: string, b: string) => boolean): boolean {
  for (let i = 0; i < wanted.length; i++) if (!same(lines[at + i]!, wanted[i]!)) return false;
  return true;
}
