import { Box, Text } from "ink";
import { clipTail } from "../chat/clip.ts";
import type { Entry } from "../chat/entries.ts";
import { EntryView, type Layout } from "../chat/entry-view.tsx";
import { useTheme } from "../theme/theme-context.tsx";

/**
 * The part of the running turn still changing: the answer being streamed and the tools in flight.
 * It never grows taller than `maxRows` (a taller dynamic region makes ink redraw the whole screen on
 * every frame, the classic flicker); the newest rows are shown and Alt+k scrolls back.
 */
export function LiveView({
  entries,
  layout,
  width,
  maxRows,
  scroll,
}: {
  entries: Entry[];
  layout: Layout;
  width: number;
  maxRows: number;
  scroll: number;
}) {
  const { colors } = useTheme();
  if (entries.length === 0) return null;
  const last = entries.at(-1)!;
  const streaming = last.kind === "assistant" ? last : undefined;
  const others = streaming ? entries.slice(0, -1) : entries;
  const otherRows = Math.min(others.length, Math.max(1, Math.floor(maxRows / (streaming ? 3 : 1)) - 1));
  const shown = others.slice(others.length - otherRows);
  const clipped =
    streaming && clipTail(streaming.text, Math.max(2, maxRows - otherRows - 2), Math.max(10, width - 4), scroll);
  return (
    <Box flexDirection="column">
      {others.length > shown.length ? (
        <Text color={colors.muted}>{`  … ${others.length - shown.length} more above`}</Text>
      ) : null}
      {shown.map((entry) => (
        <EntryView key={entry.id} entry={entry} layout={layout} width={width} />
      ))}
      {streaming && clipped ? (
        <>
          {clipped.hidden > 0 ? (
            <Text color={colors.muted}>{`  ↑ ${clipped.hidden} lines above (Alt+k / Alt+j scroll)`}</Text>
          ) : null}
          <EntryView entry={{ ...streaming, text: clipped.text }} layout={layout} width={width} />
          {clipped.below > 0 ? <Text color={colors.muted}>{`  ↓ ${clipped.below} more lines`}</Text> : null}
        </>
      ) : null}
    </Box>
  );
}
