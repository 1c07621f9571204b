/** The one line a tool call is shown as: the most telling argument (path, command, pattern, URL…). */
export function toolSummary(input: unknown, max = 100): string {
  if (!input || typeof input !== "object") return "";
  const record = input as Record<string, unknown>;
  const main =
    record.path ??
    record.file_path ??
    record.command ??
    record.pattern ??
    record.url ??
    record.query ??
    record.description ??
    Object.values(record)[0];
  return oneLine(readable(main), max);
}

/** A value as a person reads it: text as is, a list by its size, an object as `key: value` pairs. */
function readable(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return `${value.length} item${value.length === 1 ? "" : "s"}`;
  if (typeof value === "object")
    return Object.entries(value)
      .map(([key, v]) => `${key}: ${typeof v === "object" && v !== null ? readable(v) : String(v)}`)
      .join(", ");
  return String(value);
}

export function oneLine(text: string, max: number): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
