import { Box, Text } from "ink";
import type { RalphBoard, StoryRowState } from "../session/ralph-board.ts";
import { useTheme } from "../theme/theme-context.tsx";

const MARK: Record<StoryRowState, string> = {
  waiting: "·",
  ready: "○",
  working: "▸",
  checking: "…",
  passed: "✓",
  failed: "✗",
};

/** The stories of the last /ralph run: state, attempts and last check, with the loop's status on top. */
export function RalphView({ board, maxRows, width }: { board?: RalphBoard; maxRows: number; width: number }) {
  const { colors } = useTheme();
  const color = (state: StoryRowState) =>
    state === "passed"
      ? colors.success
      : state === "failed"
        ? colors.error
        : state === "waiting"
          ? colors.muted
          : colors.text;
  const rows = board?.stories ?? [];
  const current = rows.findIndex((row) => row.state === "working" || row.state === "checking");
  const first = Math.max(0, Math.min(current - Math.floor(maxRows / 2), rows.length - maxRows));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={colors.accent} paddingX={1} width={width}>
      <Text color={colors.accent} bold wrap="truncate">
        {board
          ? `Ralph · ${board.feature} · ${board.status}${board.iteration ? ` · iteration ${board.iteration}` : ""}`
          : "Ralph"}
        <Text color={colors.muted}>{"  Esc back"}</Text>
      </Text>
      {!board ? <Text color={colors.muted}>no Ralph run yet: /ralph [prd.json] starts one</Text> : null}
      {rows.slice(first, first + Math.max(1, maxRows)).map((row) => (
        <Text key={row.id} wrap="truncate" color={color(row.state)}>
          {`${MARK[row.state]} ${row.id} ${row.title}`}
          <Text color={colors.muted}>
            {`  ${row.state}${row.attempts ? ` · ${row.attempts} attempt${row.attempts > 1 ? "s" : ""}` : ""}${row.last ? ` · ${row.last}` : ""}`}
          </Text>
        </Text>
      ))}
    </Box>
  );
}
