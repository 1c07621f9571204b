import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { useTheme } from "../theme/theme-context.tsx";
import { highlightLine } from "./highlight.ts";

/**
 * Markdown as a terminal reads it: headings, lists, quotes, rules, inline bold/italic/code/links, tables
 * (columns aligned), and fenced code blocks with highlighting. An unclosed fence (mid-stream) renders as code so far.
 */
export function Markdown({ text }: { text: string }) {
  const blocks: ReactNode[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^\s*(```|~~~)\s*([\w+#.-]*)/.exec(line);
    if (fence) {
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!); i++) code.push(lines[i]!);
      blocks.push(<CodeBlock key={blocks.length} lang={fence[2] ?? ""} lines={code} />);
      continue;
    }
    if (isTableRow(line) && isTableSeparator(lines[i + 1] ?? "")) {
      const rows = [cellsOf(line)];
      for (i += 2; i < lines.length && isTableRow(lines[i]!); i++) rows.push(cellsOf(lines[i]!));
      i--;
      blocks.push(<Table key={blocks.length} rows={rows} />);
      continue;
    }
    blocks.push(<MarkdownLine key={blocks.length} line={line} />);
  }
  return <Box flexDirection="column">{blocks}</Box>;
}

function MarkdownLine({ line }: { line: string }) {
  const { colors } = useTheme();
  const heading = /^(#{1,6})\s+(.*)$/.exec(line);
  if (heading) {
    return (
      <Text bold color={colors.accent}>
        {heading[2]}
      </Text>
    );
  }
  if (/^\s*(-{3,}|\*{3,}|_{3,})\s*$/.test(line)) return <Text color={colors.muted}>{"─".repeat(40)}</Text>;
  const quote = /^>\s?(.*)$/.exec(line);
  if (quote) {
    return (
      <Text color={colors.muted}>
        {"│ "}
        <Inline text={quote[1]!} />
      </Text>
    );
  }
  const item = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/.exec(line);
  if (item) {
    const bullet = /\d/.test(item[2]!) ? item[2]! : "•";
    return (
      <Box>
        <Text color={colors.accent}>{`${item[1]}${bullet} `}</Text>
        <Text color={colors.text}>
          <Inline text={item[3]!} />
        </Text>
      </Box>
    );
  }
  return (
    <Text color={colors.text}>
      <Inline text={line || " "} />
    </Text>
  );
}

const INLINE = /(\*\*[^*]+\*\*|__[^_]+__|`[^`]+`|\*[^*\s][^*]*\*|\[[^\]]+\]\([^)\s]+\))/g;

function Inline({ text }: { text: string }) {
  const { colors, mono } = useTheme();
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    const token = match[0];
    const key = parts.length;
    if (token.startsWith("**") || token.startsWith("__"))
      parts.push(
        <Text key={key} bold>
          {token.slice(2, -2)}
        </Text>,
      );
    else if (token.startsWith("`"))
      parts.push(
        <Text key={key} color={colors.codeString} inverse={mono}>
          {token.slice(1, -1)}
        </Text>,
      );
    else if (token.startsWith("[")) {
      const link = /^\[([^\]]+)\]\(([^)]+)\)$/.exec(token)!;
      parts.push(
        <Text key={key} underline color={colors.accent}>
          {link[1]}
        </Text>,
        <Text key={key + 0.5} color={colors.muted}>{` (${link[2]})`}</Text>,
      );
    } else
      parts.push(
        <Text key={key} italic>
          {token.slice(1, -1)}
        </Text>,
      );
    last = match.index + token.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}

function CodeBlock({ lang, lines }: { lang: string; lines: string[] }) {
  const { colors } = useTheme();
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={colors.border} borderDimColor paddingX={1}>
      {lang ? <Text color={colors.muted}>{lang}</Text> : null}
      {lines.map((line, i) => (
        <Text key={i}>
          {highlightLine(line, lang).map((token, j) => (
            <Text key={j} color={colors[token.color]}>
              {token.text}
            </Text>
          ))}
          {line ? "" : " "}
        </Text>
      ))}
    </Box>
  );
}

const isTableRow = (line: string) => /^\s*\|.*\|\s*$/.test(line);
const isTableSeparator = (line: string) => /^\s*\|(\s*:?-{1,}:?\s*\|)+\s*$/.test(line);

/** A row's cells, with inline markup taken out (its width is what the columns align on). */
function cellsOf(line: string): string[] {
  return line
    .trim()
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((cell) =>
      cell
        .trim()
        .replace(/\\\|/g, "|")
        .replace(/\*\*([^*]+)\*\*|__([^_]+)__|`([^`]+)`/g, (_m, a, b, c) => a ?? b ?? c),
    );
}

/** A table with aligned columns: the header bold, a rule under it, cells separated by │. */
function Table({ rows }: { rows: string[][] }) {
  const { colors } = useTheme();
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  const line = (row: string[]) => widths.map((w, c) => (row[c] ?? "").padEnd(w)).join(" │ ");
  return (
    <Box flexDirection="column">
      <Text bold color={colors.text}>
        {line(rows[0]!)}
      </Text>
      <Text color={colors.muted}>{widths.map((w) => "─".repeat(w)).join("─┼─")}</Text>
      {rows.slice(1).map((row, i) => (
        <Text key={i} color={colors.text}>
          {line(row)}
        </Text>
      ))}
    </Box>
  );
}
