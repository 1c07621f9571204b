import { Box, Text } from "ink";
import type { KeyPress } from "../input/keys.ts";
import type { TimelineItem } from "../session/timeline.ts";
import { DetailPane, SelectableRow } from "../components/detail-pane.tsx";
import { useTheme } from "../theme/theme-context.tsx";

export interface InspectorState {
  /** Index into the timeline; undefined follows the newest row. */
  selected?: number;
  expanded: boolean;
  scroll: number;
}

export const NEW_INSPECTOR: InspectorState = { expanded: false, scroll: 0 };

/** ↑/↓ choose a row, Enter expands it (its raw payload), Alt+j/k scroll the payload. */
export function handleInspectorKey(state: InspectorState, key: KeyPress, count: number): InspectorState {
  const current = state.selected ?? count - 1;
  if (key.name === "up") return { selected: Math.max(0, current - 1), expanded: state.expanded, scroll: 0 };
  if (key.name === "down")
    return { selected: current + 1 >= count ? undefined : current + 1, expanded: state.expanded, scroll: 0 };
  if (key.name === "return") return { ...state, selected: current, expanded: !state.expanded, scroll: 0 };
  if (key.meta && key.name === "j") return { ...state, scroll: state.scroll + 3 };
  if (key.meta && key.name === "k") return { ...state, scroll: Math.max(0, state.scroll - 3) };
  return state;
}

/** The raw event and tool timeline of the session, newest at the bottom. */
export function InspectorView({
  items,
  state,
  maxRows,
  width,
}: {
  items: readonly TimelineItem[];
  state: InspectorState;
  maxRows: number;
  width: number;
}) {
  const { colors } = useTheme();
  const selected = state.selected ?? items.length - 1;
  const detail = state.expanded && items[selected] ? items[selected]!.detail.split("\n") : [];
  const detailRows = detail.length ? Math.min(detail.length, Math.floor(maxRows / 2)) : 0;
  const listRows = Math.max(1, maxRows - detailRows - (detailRows ? 1 : 0));
  const first = Math.max(0, Math.min(selected - listRows + 1 + Math.floor(listRows / 3), items.length - listRows));
  const start = new Date(items[0]?.at ?? Date.now()).getTime();
  const detailFirst = Math.min(state.scroll, Math.max(0, detail.length - detailRows));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={colors.accent} paddingX={1} width={width}>
      <Text color={colors.accent} bold>
        {`Inspector · ${items.length} events`}
        <Text color={colors.muted}>{"  ↑/↓ select · Enter expand · Esc back"}</Text>
      </Text>
      {items.length === 0 ? <Text color={colors.muted}>no events yet: send a prompt</Text> : null}
      {items.slice(first, first + listRows).map((item, i) => {
        const chosen = first + i === selected;
        const seconds = ((item.at - start) / 1000).toFixed(1).padStart(6);
        return (
          <SelectableRow key={item.seq} chosen={chosen}>
            {`${seconds}s `}
            <Text color={chosen ? colors.selectionFg : colors.accent}>{item.type.padEnd(15)}</Text>
            {` ${item.summary}`}
          </SelectableRow>
        );
      })}
      {detailRows ? <DetailPane lines={detail.slice(detailFirst, detailFirst + detailRows)} /> : null}
    </Box>
  );
}
