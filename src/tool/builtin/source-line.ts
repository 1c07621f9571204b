import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const MAX_CHARS = 200;

/** The trimmed text of a 0-based line of a file URI, to show beside a location; "" when unreadable. */
export async function sourceLine(uri: string, line: number): Promise<string> {
  if (!uri.startsWith("file:")) return "";
  const text = await readFile(fileURLToPath(uri), "utf8").catch(() => "");
  return (text.split("\n")[line] ?? "").trim().slice(0, MAX_CHARS);
}
