import { Box, Text } from "ink";
import { elapsedOf, type BoardRow, type BoardSnapshot } from "../../swarm/board.ts";
import type { Entry } from "../chat/entries.ts";
import type { KeyPress } from "../input/keys.ts";
import { compactNumber } from "../components/format.ts";
import { DetailPane, SelectableRow } from "../components/detail-pane.tsx";
import { useTheme } from "../theme/theme-context.tsx";

export interface SwarmViewState {
  selected: number;
  /** Showing the selected sub-agent's transcript. */
  open: boolean;
}

export const NEW_SWARM_VIEW: SwarmViewState = { selected: 0, open: false };

/** Tab/↓ and Shift+Tab/↑ move between sub-agents, Enter shows or hides the selected one's transcript. */
export function handleSwarmKey(state: SwarmViewState, key: KeyPress, count: number): SwarmViewState {
  if (count === 0) return state;
  const step =
    key.name === "down" || (key.name === "tab" && !key.shift) ? 1 : key.name === "up" || key.name === "tab" ? -1 : 0;
  if (step) return { ...state, selected: (state.selected + step + count) % count };
  if (key.name === "return") return { ...state, open: !state.open };
  return state;
}

const STATE_COLOR: Partial<Record<BoardRow["state"], "accent" | "success" | "warning" | "error">> = {
  running: "accent",
  completed: "success",
  awaiting_merge: "warning",
  conflict: "error",
  failed: "error",
};

/** The sub-agents of the latest /swarm with their state and progress; Enter opens one's transcript below. */
export function SwarmView({
  board,
  state,
  transcript,
  maxRows,
  width,
}: {
  board: BoardSnapshot | undefined;
  state: SwarmViewState;
  transcript: Entry[];
  maxRows: number;
  width: number;
}) {
  const { colors } = useTheme();
  const rows = board?.rows ?? [];
  const selected = Math.min(state.selected, Math.max(0, rows.length - 1));
  const lines = state.open ? transcriptLines(transcript) : [];
  const detailRows = lines.length ? Math.min(lines.length, Math.floor(maxRows / 2)) : 0;
  const listRows = Math.max(1, maxRows - detailRows - (detailRows ? 1 : 0));
  const first = Math.max(0, Math.min(selected - listRows + 1, rows.length - listRows));
  const finished = rows.filter((r) => r.state === "completed").length;
  const title = board?.swarmId
    ? `Swarm ${board.swarmId} · stage ${board.stage + 1}/${board.stages} · ${finished}/${rows.length} done${board.done ? (board.success ? " · succeeded" : " · finished with problems") : ""}`
    : "Swarm";
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={colors.accent} paddingX={1} width={width}>
      <Text color={colors.accent} bold wrap="truncate">
        {title}
        <Text color={colors.muted}>{"  Tab next · Enter transcript · Esc back"}</Text>
      </Text>
      {rows.length === 0 ? (
        <Text color={colors.muted}>{board ? "planning…" : "no swarm yet: /swarm TASK starts one"}</Text>
      ) : null}
      {rows.slice(first, first + listRows).map((row, i) => {
        const chosen = first + i === selected;
        const color = STATE_COLOR[row.state];
        return (
          <SelectableRow key={row.id} chosen={chosen}>
            {`${row.id.padEnd(6)} ${row.name.slice(0, 22).padEnd(22)} `}
            <Text color={chosen || !color ? undefined : colors[color]}>{row.state.padEnd(14)}</Text>
            {` step ${String(row.step).padStart(3)}  ${`${(elapsedOf(row) / 1000).toFixed(1)}s`.padStart(7)}  ${compactNumber(row.tokens).padStart(5)} tok  ${row.note || row.tool}`}
          </SelectableRow>
        );
      })}
      {detailRows ? (
        <DetailPane lines={lines.slice(-detailRows)} />
      ) : state.open ? (
        <Text color={colors.muted}>{rows[selected]?.sessionId ? "nothing said yet" : "not started yet"}</Text>
      ) : null}
    </Box>
  );
}

/** A transcript as plain lines: what the sub-agent was told, what it did, what it answered. */
function transcriptLines(entries: Entry[]): string[] {
  return entries.flatMap((entry) => {
    switch (entry.kind) {
      case "user":
        return entry.text.split("\n").map((line, i) => (i === 0 ? `› ${line}` : `  ${line}`));
      case "assistant":
      case "reasoning":
        return entry.text.split("\n");
      case "tool":
        return [`${entry.state === "error" ? "✗" : "✓"} ${entry.tool}${entry.title ? ` ${entry.title}` : ""}`];
      case "notice":
        return [entry.text];
    }
  });
}
