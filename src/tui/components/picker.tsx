import { Box, Text } from "ink";
import type { KeyPress } from "../input/keys.ts";
import { useTheme } from "../theme/theme-context.tsx";

export interface PickerItem {
  value: string;
  label: string;
  /** Dimmed text after the label (age, size, "key set"…). */
  hint?: string;
  /** Drawn muted: listed, but e.g. without a key. */
  dim?: boolean;
}

export interface PickerState {
  filter: string;
  selected: number;
}

export const NEW_PICKER: PickerState = { filter: "", selected: 0 };

/** Items whose label or hint contains every word of the filter (case-insensitive). */
export function filterItems(items: PickerItem[], filter: string): PickerItem[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter((item) => {
    const text = `${item.label} ${item.hint ?? ""}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

export type PickerOutcome = { state: PickerState } | { chosen: PickerItem } | { cancelled: true };

/** Type to filter, ↑/↓ (or Ctrl+P/N) to move, Enter to choose, Esc to cancel. */
export function handlePickerKey(state: PickerState, key: KeyPress, items: PickerItem[]): PickerOutcome {
  const shown = filterItems(items, state.filter);
  if (key.name === "escape") return { cancelled: true };
  if (key.name === "return") {
    const chosen = shown[Math.min(state.selected, shown.length - 1)];
    return chosen ? { chosen } : { state };
  }
  if (key.name === "up" || (key.ctrl && key.name === "p"))
    return { state: { ...state, selected: Math.max(0, state.selected - 1) } };
  if (key.name === "down" || (key.ctrl && key.name === "n"))
    return { state: { ...state, selected: Math.min(shown.length - 1, state.selected + 1) } };
  if (key.name === "backspace") return { state: { filter: state.filter.slice(0, -1), selected: 0 } };
  if (key.text && !key.ctrl && !key.meta) return { state: { filter: state.filter + key.text, selected: 0 } };
  return { state };
}

/** A titled, filterable list in a box; the selection stays in view. */
export function Picker({
  title,
  items,
  state,
  maxRows,
  footer,
}: {
  title: string;
  items: PickerItem[];
  state: PickerState;
  maxRows: number;
  footer?: string;
}) {
  const { colors, mono } = useTheme();
  const shown = filterItems(items, state.filter);
  const rows = Math.max(1, maxRows);
  const selected = Math.min(state.selected, shown.length - 1);
  const first = Math.max(0, Math.min(selected - Math.floor(rows / 2), shown.length - rows));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={colors.accent} paddingX={1}>
      <Text>
        <Text color={colors.accent} bold>
          {title}
        </Text>
        <Text color={colors.muted}>{"  filter › "}</Text>
        <Text color={colors.text}>{state.filter}</Text>
        <Text inverse> </Text>
      </Text>
      {shown.length === 0 ? <Text color={colors.muted}>nothing matches</Text> : null}
      {shown.slice(first, first + rows).map((item, i) => {
        const chosen = first + i === selected;
        return (
          <Text
            key={item.value}
            color={chosen ? colors.selectionFg : item.dim ? colors.muted : colors.text}
            backgroundColor={chosen ? colors.selectionBg : undefined}
            inverse={chosen && mono}
            wrap="truncate"
          >
            {`${chosen ? "›" : " "} ${item.label}`}
            {item.hint ? <Text color={chosen ? colors.selectionFg : colors.muted}>{`  ${item.hint}`}</Text> : null}
          </Text>
        );
      })}
      <Text color={colors.muted}>
        {footer ?? `${shown.length} of ${items.length} · type to filter · ↑/↓ · Enter choose · Esc cancel`}
      </Text>
    </Box>
  );
}
