const MAX_STRING = 200;
const MAX_ITEMS = 20;
const MAX_DEPTH = 4;

/**
 * A bounded copy of a tool's arguments for the audit trail: long strings cut (with how much was cut),
 * long arrays and objects shortened, deep nesting elided. Secrets are removed later by `redactRecord`.
 */
export function summarizeArgs(value: unknown, depth = 0): unknown {
  if (typeof value === "string")
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…(+${value.length - MAX_STRING} chars)` : value;
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? `[${value.length} items]` : "{…}";
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => summarizeArgs(item, depth + 1));
    return value.length > MAX_ITEMS ? [...items, `…(+${value.length - MAX_ITEMS} items)`] : items;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const kept = entries.slice(0, MAX_ITEMS).map(([key, inner]) => [key, summarizeArgs(inner, depth + 1)]);
  if (entries.length > MAX_ITEMS) kept.push(["…", `+${entries.length - MAX_ITEMS} keys`]);
  return Object.fromEntries(kept);
}
