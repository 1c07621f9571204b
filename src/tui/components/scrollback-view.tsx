import { Box, renderToString, useStdout } from "ink";
import { useLayoutEffect, useRef } from "react";
import type { Entry } from "../chat/entries.ts";
import { EntryView, type Layout } from "../chat/entry-view.tsx";
import type { Scrollback } from "../session/scrollback.ts";
import { ThemeProvider, useTheme } from "../theme/theme-context.tsx";

/**
 * Prints settled entries once, above the live region, into the terminal's own scrollback (native
 * scrolling, no flicker, nothing re-rendered later). They are rendered to text and written through
 * ink's stdout rather than with `<Static>`, which keeps a copy of everything it ever printed: here a
 * printed entry is gone from memory.
 */
export function ScrollbackView({
  scrollback,
  layout,
  width,
  onPrinted,
}: {
  scrollback: Scrollback;
  layout: Layout;
  width: number;
  onPrinted: (key: number, count: number) => void;
}) {
  const { write } = useStdout();
  const theme = useTheme();
  const printed = useRef({ key: -1, count: 0 });
  useLayoutEffect(() => {
    const from = printed.current.key === scrollback.key ? printed.current.count : 0;
    const fresh = scrollback.items.slice(from);
    const { key } = scrollback;
    const count = scrollback.items.length;
    printed.current = { key, count };
    if (!fresh.length) return onPrinted(key, count);
    // After the commit: ink lays out this frame while effects run, and yoga cannot lay out two trees at once.
    queueMicrotask(() => {
      write(`${printEntries(fresh, layout, width, theme)}\n`);
      onPrinted(key, count);
    });
  }, [scrollback, layout, width, theme, write, onPrinted]);
  return null;
}

/** The entries as terminal text; if rendering fails, as plain text rather than lost (or a crash outside React). */
function printEntries(entries: Entry[], layout: Layout, width: number, theme: ReturnType<typeof useTheme>): string {
  try {
    return renderEntries(entries, layout, width, theme);
  } catch {
    return entries.map((entry) => ("text" in entry ? String(entry.text) : "")).join("\n");
  }
}

function renderEntries(entries: Entry[], layout: Layout, width: number, theme: ReturnType<typeof useTheme>): string {
  return renderToString(
    <ThemeProvider value={theme}>
      <Box flexDirection="column">
        {entries.map((entry) => (
          <EntryView key={entry.id} entry={entry} layout={layout} width={width} />
        ))}
      </Box>
    </ThemeProvider>,
    { columns: width },
  );
}
