import { Static } from "ink";
import { useLayoutEffect } from "react";
import type { Entry } from "../chat/entries.ts";
import { EntryView, type Layout } from "../chat/entry-view.tsx";
import type { Scrollback } from "../session/scrollback.ts";

/**
 * Prints settled entries once, above the live region, into the terminal's own scrollback (native
 * scrolling, no flicker, nothing re-rendered later). Each batch gets its own `<Static>` so printed
 * entries can be dropped from memory.
 */
export function ScrollbackView({ scrollback, layout, width, onPrinted }: { scrollback: Scrollback; layout: Layout; width: number; onPrinted: (key: number, count: number) => void }) {
  useLayoutEffect(() => {
    onPrinted(scrollback.key, scrollback.items.length);
  }, [scrollback, onPrinted]);
  return (
    <Static key={scrollback.key} items={scrollback.items}>
      {(entry: Entry) => <EntryView key={entry.id} entry={entry} layout={layout} width={width} />}
    </Static>
  );
}
