import { Box, Text } from "ink";
import type { QuestionRequest } from "../../tool/tool.ts";
import type { PendingQuestion } from "../session/tui-session.ts";
import { useTheme } from "../theme/theme-context.tsx";

/** Border, answer line and hint: the rows around the question and its options. */
const FRAME_ROWS = 4;

/**
 * The question as the rows it takes in a box `width` columns wide, at most `maxRows` of them (a plan
 * to approve can be long; a prompt taller than the terminal would make ink clear the screen).
 */
export function questionLines(request: QuestionRequest, width: number, maxRows: number): string[] {
  const inner = Math.max(10, width - 4);
  const rows = `Question: ${request.question}`.split("\n").flatMap((line) => (line.length ? (line.match(new RegExp(`.{1,${inner}}`, "g")) ?? [""]) : [""]));
  if (rows.length <= maxRows) return rows;
  const kept = rows.slice(0, Math.max(1, maxRows - 1));
  return [...kept, `… ${rows.length - kept.length} more lines`];
}

/** How many terminal rows the prompt takes. */
export function questionPromptRows(request: QuestionRequest, width: number, maxRows: number): number {
  return FRAME_ROWS + questionLines(request, width, maxRows).length + (request.options?.length ?? 0);
}

/** The model's question, inline where the prompt was: type an answer, or pick one of its options. */
export function QuestionPrompt({ question, typed, selected, width, maxRows }: { question: PendingQuestion; typed: string; selected: number; width: number; maxRows: number }) {
  const { colors, mono } = useTheme();
  const options = question.request.options ?? [];
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={colors.accent} paddingX={1} width={width}>
      {questionLines(question.request, width, maxRows).map((line, i) => (
        <Text key={i} color={colors.accent} bold={i === 0} wrap="truncate">
          {line}
        </Text>
      ))}
      {options.map((option, i) => (
        <Text key={option} inverse={!typed && i === selected} bold={!typed && i === selected && mono} color={colors.text} wrap="truncate">
          {` ${i + 1}. ${option} `}
        </Text>
      ))}
      <Text wrap="truncate-start">
        <Text color={colors.accent}>answer › </Text>
        <Text color={colors.text}>{typed}</Text>
        <Text inverse> </Text>
      </Text>
      <Text color={colors.muted} wrap="truncate">
        {options.length ? "↑/↓ picks an option, or type your own · Enter answers · Esc skips" : "Enter answers · Esc skips"}
      </Text>
    </Box>
  );
}
