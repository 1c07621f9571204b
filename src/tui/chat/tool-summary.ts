/** The one line a tool call is shown as: the most telling argument (path, command, pattern, URL…). */
export function toolSummary(input: unknown, max = 100): string {
  if (!input || typeof input !== "object") return "";
  const record = input as Record<string, unknown>;
  const main = record.path ?? record.file_path ?? record.command ?? record.pattern ?? record.url ?? record.query ?? record.description ?? Object.values(record)[0];
  const text = typeof main === "string" ? main : main === undefined ? "" : JSON.stringify(main);
  return oneLine(text, max);
}

export function oneLine(text: string, max: number): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
