import { structuredPatch } from "diff";
import { Box, Text } from "ink";
import { useTheme } from "../theme/theme-context.tsx";
import type { FileDiff } from "./entries.ts";

const MAX_DIFF_LINES = 40;

/** The changed lines of an edit with two lines of context, added in green and removed in red (+/- without colour). */
export function DiffView({ diff, maxLines = MAX_DIFF_LINES }: { diff: FileDiff; maxLines?: number }) {
  const { colors } = useTheme();
  const patch = structuredPatch(diff.path, diff.path, diff.before, diff.after, "", "", { context: 2 });
  const lines: Array<{ text: string; color?: string; dim?: boolean }> = [];
  for (const hunk of patch.hunks) {
    lines.push({
      text: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`,
      color: colors.muted,
    });
    for (const line of hunk.lines) {
      if (line.startsWith("\\")) continue;
      const color = line[0] === "+" ? colors.diffAdd : line[0] === "-" ? colors.diffRemove : colors.muted;
      lines.push({ text: line, color });
    }
  }
  const hidden = lines.length - maxLines;
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {lines.slice(0, maxLines).map((line, i) => (
        <Text key={i} color={line.color}>
          {line.text || " "}
        </Text>
      ))}
      {hidden > 0 ? <Text color={colors.muted}>{`… ${hidden} more diff lines (see /inspector)`}</Text> : null}
    </Box>
  );
}

/** How many rows DiffView takes with `maxLines`: for laying out the screen around it. */
export function diffRows(diff: FileDiff, maxLines = MAX_DIFF_LINES): number {
  const hunks = structuredPatch(diff.path, diff.path, diff.before, diff.after, "", "", { context: 2 }).hunks;
  const lines = hunks.reduce((n, hunk) => n + 1 + hunk.lines.filter((l) => !l.startsWith("\\")).length, 0);
  return lines > maxLines ? maxLines + 1 : lines;
}

/** `+3 -1`: lines added and removed by an edit. */
export function diffStat(diff: FileDiff): string {
  let added = 0;
  let removed = 0;
  for (const hunk of structuredPatch(diff.path, diff.path, diff.before, diff.after, "", "", { context: 0 }).hunks) {
    for (const line of hunk.lines) {
      if (line[0] === "+") added++;
      else if (line[0] === "-") removed++;
    }
  }
  return `+${added} -${removed}`;
}
