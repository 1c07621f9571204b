import { Box, Text } from "ink";
import wrapAnsi from "wrap-ansi";
import type { QuestionRequest } from "../../contracts/tool.ts";
import type { PendingQuestion } from "../session/tui-snapshot.ts";
import { useTheme } from "../theme/theme-context.tsx";

/** Border, answer line and hint: the rows around the question and its options. */
const FRAME_ROWS = 4;

export interface QuestionLayout {
  /** The question, wrapped to the box (terminal columns, wide characters counted as two). */
  lines: string[];
  /** The options shown: a window around the selected one. */
  options: Array<{ index: number; label: string }>;
  /** Options left out of the window. */
  hiddenOptions: number;
  rows: number;
}

/**
 * Fits the question into `maxRows` terminal rows (a plan to approve can be long, a terminal short; a
 * prompt taller than the terminal would make ink clear the screen): options first, in a window around
 * the selection, then as much of the question as fits, its last row saying how much is cut.
 */
export function layoutQuestion(
  request: QuestionRequest,
  width: number,
  maxRows: number,
  selected: number,
): QuestionLayout {
  const inner = Math.max(10, width - 4);
  const body = Math.max(2, maxRows - FRAME_ROWS);
  const all = request.options ?? [];
  const optionRows = Math.min(all.length, Math.max(1, Math.floor(body / 2)));
  const first = Math.max(0, Math.min(selected - Math.floor(optionRows / 2), all.length - optionRows));
  const hiddenOptions = all.length - optionRows;
  const options = all.slice(first, first + optionRows).map((label, i) => ({ index: first + i, label }));
  const questionRows = Math.max(1, body - optionRows - (hiddenOptions > 0 ? 1 : 0));
  const wrapped = wrapAnsi(`Question: ${request.question}`, inner, { hard: true, trim: false }).split("\n");
  const lines =
    wrapped.length <= questionRows
      ? wrapped
      : [...wrapped.slice(0, questionRows - 1), `… ${wrapped.length - questionRows + 1} more lines`];
  return {
    lines,
    options,
    hiddenOptions,
    rows: FRAME_ROWS + lines.length + options.length + (hiddenOptions > 0 ? 1 : 0),
  };
}

/** The model's question, inline where the prompt was: type an answer, or pick one of its options. */
export function QuestionPrompt({
  question,
  layout,
  typed,
  selected,
  width,
}: {
  question: PendingQuestion;
  layout: QuestionLayout;
  typed: string;
  selected: number;
  width: number;
}) {
  const { colors, mono } = useTheme();
  const hasOptions = Boolean(question.request.options?.length);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={colors.accent} paddingX={1} width={width}>
      {layout.lines.map((line, i) => (
        <Text key={i} color={colors.accent} bold={i === 0} wrap="truncate">
          {line}
        </Text>
      ))}
      {layout.options.map(({ index, label }) => (
        <Text
          key={index}
          inverse={!typed && index === selected}
          bold={!typed && index === selected && mono}
          color={colors.text}
          wrap="truncate"
        >
          {` ${index + 1}. ${label} `}
        </Text>
      ))}
      {layout.hiddenOptions > 0 ? (
        <Text color={colors.muted}>{` … ${layout.hiddenOptions} more options (↑/↓)`}</Text>
      ) : null}
      <Text wrap="truncate-start">
        <Text color={colors.accent}>answer › </Text>
        <Text color={colors.text}>{typed}</Text>
        <Text inverse> </Text>
      </Text>
      <Text color={colors.muted} wrap="truncate">
        {hasOptions ? "↑/↓ picks an option, or type your own · Enter answers · Esc skips" : "Enter answers · Esc skips"}
      </Text>
    </Box>
  );
}
