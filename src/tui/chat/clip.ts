/**
 * The rows of `text` that fit in `maxRows` terminal rows of `width` columns, counted from the end and
 * shifted up by `scroll` rows (Alt+k). Keeps an opening code fence when the cut lands inside code, so
 * the visible part still renders as code. `hidden` is how many rows are above the visible part.
 */
export function clipTail(
  text: string,
  maxRows: number,
  width: number,
  scroll = 0,
): { text: string; hidden: number; below: number } {
  const lines = text.split("\n");
  const rows = lines.map((l) => Math.max(1, Math.ceil(l.length / Math.max(1, width))));
  const total = rows.reduce((a, b) => a + b, 0);
  if (total <= maxRows) return { text, hidden: 0, below: 0 };
  const below = Math.min(scroll, total - maxRows);
  let end = lines.length;
  for (let skipped = 0; end > 0 && skipped + rows[end - 1]! <= below; end--) skipped += rows[end - 1]!;
  let start = end;
  let used = 0;
  while (start > 0 && used + rows[start - 1]! <= maxRows - 1) used += rows[--start]!;
  const visible = lines.slice(start, end);
  const fence = openFenceBefore(lines, start);
  return { text: (fence ? [fence, ...visible] : visible).join("\n"), hidden: start, below: lines.length - end };
}

function openFenceBefore(lines: string[], index: number): string | undefined {
  let open: string | undefined;
  for (let i = 0; i < index; i++) {
    if (/^\s*(```|~~~)/.test(lines[i]!)) open = open ? undefined : lines[i];
  }
  return open;
}
