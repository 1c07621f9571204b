import { createRequire } from "node:module";
import type * as Yaml from "yaml";

export interface MarkdownDocument {
  /** The front-matter's keys (none without front-matter); checking their values is the caller's job. */
  data: Record<string, unknown>;
  body: string;
}

/**
 * Splits `---` front-matter (YAML) from a Markdown file's body, as agent files and SKILL.md have it.
 * Invalid YAML, or YAML that is not a map of keys, is a one-line error with the file's line number.
 */
export function parseMarkdownWithFrontmatter(text: string): MarkdownDocument {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) return { data: {}, body: text.trim() };
  const data = parseYaml(match[1]!) ?? {};
  if (typeof data !== "object" || Array.isArray(data)) throw new Error("line 2: expected 'key: value' lines");
  return { data: data as Record<string, unknown>, body: match[2]!.trim() };
}

function parseYaml(text: string): unknown {
  // Loaded only here: most runs read no agent or skill file, and loading yaml costs ~25 ms and ~8 MiB.
  const yaml = createRequire(import.meta.url)("yaml") as typeof Yaml;
  try {
    return yaml.parse(text);
  } catch (error) {
    if (!(error instanceof yaml.YAMLParseError)) throw error;
    // The YAML starts on the file's second line; its message goes on to quote the line, which we drop.
    const line = (error.linePos?.[0].line ?? 0) + 1;
    const reason = error.message.split(/ at line \d+, column \d+/)[0];
    const hint = error.code === "BLOCK_AS_IMPLICIT_KEY" ? " (quote a value that contains ': ')" : "";
    throw new Error(`line ${line}: ${reason}${hint}`);
  }
}
