import { useEffect, useRef } from "react";

/** A resize by dragging sends many events: redraw once they stop. */
const RESIZE_SETTLE_MS = 150;

/**
 * Narrowing the terminal re-wraps what ink drew at the old width, so its erase misses rows (stale frames)
 * and printed lists wrap without their indent: once the size settles, the session clears and prints it all again.
 */
export function useResizeRedraw(columns: number, session: { reprint(): void }): void {
  const resize = useRef({ width: columns, narrowed: false });
  useEffect(() => {
    resize.current.narrowed ||= columns < resize.current.width;
    resize.current.width = columns;
    if (!resize.current.narrowed) return;
    const timer = setTimeout(() => {
      resize.current.narrowed = false;
      session.reprint();
    }, RESIZE_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [columns, session]);
}
