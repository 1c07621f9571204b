import { Box, Text } from "ink";
import { oneLine } from "../../util/tool-summary.ts";
import { useTheme } from "../theme/theme-context.tsx";

/** Prompts typed while a turn runs, above the prompt: sent in order after it; ↑ takes the last one back. */
export function QueuedPrompts({ queued, width }: { queued: readonly string[]; width: number }) {
  const { colors } = useTheme();
  if (queued.length === 0) return null;
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {queued.map((text, i) => (
        <Text key={i} color={colors.muted}>
          {`⏸ queued: ${oneLine(text, Math.max(20, width - 30))}${i === queued.length - 1 ? "  (↑ edits)" : ""}`}
        </Text>
      ))}
    </Box>
  );
}
