const CONTEXT_LINES = 2;

/**
 * The numbered lines of `text` most similar to `wanted` (by shared trimmed lines, then by shared
 * characters of the first line), so a failed edit shows the model what the file really contains.
 */
export function closestRegion(text: string, wanted: string): string | undefined {
  const lines = text.split("\n");
  const target = wanted.split("\n");
  const window = Math.min(Math.max(target.length, 1), 20);
  let best = -1;
  let bestScore = 0;
  for (let start = 0; start + 1 <= lines.length; start++) {
    let score = 0;
    for (let i = 0; i < window && start + i < lines.length; i++) {
      score += similarity(lines[start + i]!.trim(), target[i]!.trim());
    }
    if (score > bestScore) {
      bestScore = score;
      best = start;
    }
  }
  if (best < 0 || bestScore / window < 0.3) return undefined;
  const from = Math.max(0, best - CONTEXT_LINES);
  const to = Math.min(lines.length, best + window + CONTEXT_LINES);
  return lines
    .slice(from, to)
    .map((line, i) => `${from + i + 1}→${line}`)
    .join("\n");
}

/** Dice coefficient over character bigrams: 1 for equal strings, 0 for nothing in common. */
function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const grams = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) grams.set(a.slice(i, i + 2), (grams.get(a.slice(i, i + 2)) ?? 0) + 1);
  let shared = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const gram = b.slice(i, i + 2);
    const n = grams.get(gram) ?? 0;
    if (n > 0) {
      shared++;
      grams.set(gram, n - 1);
    }
  }
  return (2 * shared) / (a.length + b.length - 2);
}
