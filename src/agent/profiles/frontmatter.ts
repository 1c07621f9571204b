/** A value of the YAML subset agent files use: strings, lists of strings, nested maps. */
export type FrontmatterValue = string | boolean | string[] | { [key: string]: FrontmatterValue };

export interface MarkdownDocument {
  data: Record<string, FrontmatterValue>;
  body: string;
}

interface Line {
  indent: number;
  text: string;
  number: number;
}

/**
 * Splits `---` frontmatter from the body and parses the YAML subset agent files need: `key: value`,
 * `key: [a, b]`, and indented blocks of `- item` lines or nested `key: value` lines. Anything else is a
 * one-line error with the line number (no silent misreading of a permission rule).
 */
export function parseMarkdownWithFrontmatter(text: string): MarkdownDocument {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) return { data: {}, body: text.trim() };
  const lines: Line[] = match[1]!.split(/\r?\n/).flatMap((raw, i) => {
    if (!raw.trim() || raw.trimStart().startsWith("#")) return [];
    return [{ indent: raw.length - raw.trimStart().length, text: raw.trim(), number: i + 2 }];
  });
  const cursor = { index: 0 };
  const data = parseMap(lines, cursor, lines[0]?.indent ?? 0);
  return { data, body: match[2]!.trim() };
}

function parseMap(lines: Line[], cursor: { index: number }, indent: number): Record<string, FrontmatterValue> {
  const map: Record<string, FrontmatterValue> = {};
  while (cursor.index < lines.length && lines[cursor.index]!.indent === indent) {
    const line = lines[cursor.index++]!;
    const pair = /^("[^"]*"|'[^']*'|[^:]+?)\s*:(?:\s+(.*))?$/.exec(line.text);
    if (!pair) throw new Error(`line ${line.number}: expected 'key: value', got '${line.text}'`);
    const key = unquote(pair[1]!);
    const rest = pair[2]?.trim();
    if (rest) map[key] = scalarOrInlineList(rest);
    else map[key] = parseBlock(lines, cursor, indent, line.number);
  }
  const stray = lines[cursor.index];
  if (stray && stray.indent > indent) throw new Error(`line ${stray.number}: unexpected indentation`);
  return map;
}

function parseBlock(lines: Line[], cursor: { index: number }, parentIndent: number, lineNumber: number): FrontmatterValue {
  const first = lines[cursor.index];
  if (!first || first.indent <= parentIndent) throw new Error(`line ${lineNumber}: a key without a value`);
  if (!first.text.startsWith("- ")) return parseMap(lines, cursor, first.indent);
  const items: string[] = [];
  while (cursor.index < lines.length && lines[cursor.index]!.indent === first.indent && lines[cursor.index]!.text.startsWith("- ")) {
    items.push(unquote(lines[cursor.index++]!.text.slice(2).trim()));
  }
  return items;
}

function scalarOrInlineList(text: string): FrontmatterValue {
  if (text.startsWith("[") && text.endsWith("]")) {
    const inner = text.slice(1, -1).trim();
    return inner ? inner.split(",").map((item) => unquote(item.trim())) : [];
  }
  if (text === "true" || text === "false") return text === "true";
  return unquote(text);
}

function unquote(text: string): string {
  const quoted = /^"(.*)"$|^'(.*)'$/.exec(text);
  return quoted ? (quoted[1] ?? quoted[2]!) : text;
}
