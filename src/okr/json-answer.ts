/** The JSON object of a model's answer: the whole text, a fenced block, or from its first `{` to its last `}`. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)```/.exec(text)?.[1];
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  for (const candidate of [
    text.trim(),
    fenced?.trim(),
    start >= 0 && end > start ? text.slice(start, end + 1) : undefined,
  ]) {
    if (!candidate) continue;
    try {
      const value: unknown = JSON.parse(candidate);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // the next form
    }
  }
  return undefined;
}
