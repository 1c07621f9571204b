import { Box, Text } from "ink";
import type { PromptState } from "../input/prompt-keys.ts";
import { useTheme } from "../theme/theme-context.tsx";

const MAX_EDITOR_ROWS = 8;

/** The prompt editor with its cursor, and the completions on offer below it. */
export function InputBox({
  prompt,
  busy,
  agent,
  width,
}: {
  prompt: PromptState;
  busy: boolean;
  agent: string;
  width: number;
}) {
  const { colors, mono } = useTheme();
  const { text, cursor } = prompt.editor;
  const lines = text.split("\n");
  const cursorLine = text.slice(0, cursor).split("\n").length - 1;
  const first = Math.max(0, Math.min(cursorLine - MAX_EDITOR_ROWS + 1, lines.length - MAX_EDITOR_ROWS));
  let offset = lines.slice(0, first).reduce((n, l) => n + l.length + 1, 0);
  return (
    <Box flexDirection="column" width={width}>
      <Box flexDirection="column" borderStyle="round" borderColor={busy ? colors.muted : colors.accent} paddingX={1}>
        {first > 0 ? <Text color={colors.muted}>{`… ${first} lines above`}</Text> : null}
        {text === "" ? (
          <Text>
            <Text color={colors.accent}>{`${agent} › `}</Text>
            <Text inverse> </Text>
            <Text color={colors.muted}>
              {busy ? " working… Esc interrupts" : " Ask anything · / commands · @ files · ? help"}
            </Text>
          </Text>
        ) : (
          lines.slice(first, first + MAX_EDITOR_ROWS).map((line, i) => {
            const start = offset;
            offset += line.length + 1;
            const at = cursor - start;
            const hasCursor = at >= 0 && at <= line.length && first + i === cursorLine;
            return (
              <Text key={i} color={colors.text}>
                <Text color={colors.accent}>{first + i === 0 ? `${agent} › ` : " ".repeat(agent.length + 3)}</Text>
                {hasCursor ? (
                  <>
                    {line.slice(0, at)}
                    <Text inverse>{line[at] ?? " "}</Text>
                    {line.slice(at + 1)}
                  </>
                ) : (
                  line || " "
                )}
              </Text>
            );
          })
        )}
      </Box>
      {prompt.completions.map((c, i) => {
        const chosen = i === prompt.selected;
        return (
          <Text
            key={c.value}
            color={chosen ? colors.selectionFg : colors.text}
            backgroundColor={chosen ? colors.selectionBg : undefined}
            inverse={chosen && mono}
          >
            {` ${c.label}`}
            {c.hint ? <Text color={chosen ? colors.selectionFg : colors.muted}>{`  ${c.hint}`}</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}
