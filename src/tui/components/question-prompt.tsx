import { Box, Text } from "ink";
import type { PendingQuestion } from "../session/tui-session.ts";
import { useTheme } from "../theme/theme-context.tsx";

/** The model's question, inline where the prompt was: type an answer, or pick one of its options. */
export function QuestionPrompt({ question, typed, selected }: { question: PendingQuestion; typed: string; selected: number }) {
  const { colors, mono } = useTheme();
  const options = question.request.options ?? [];
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={colors.accent} paddingX={1}>
      <Text color={colors.accent} bold>
        {`Question: ${question.request.question}`}
      </Text>
      {options.map((option, i) => (
        <Text key={option} inverse={!typed && i === selected} bold={!typed && i === selected && mono} color={colors.text}>
          {` ${i + 1}. ${option} `}
        </Text>
      ))}
      <Text>
        <Text color={colors.accent}>answer › </Text>
        <Text color={colors.text}>{typed}</Text>
        <Text inverse> </Text>
      </Text>
      <Text color={colors.muted}>{options.length ? "↑/↓ picks an option, or type your own · Enter answers · Esc skips" : "Enter answers · Esc skips"}</Text>
    </Box>
  );
}
