import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { useTheme } from "../theme/theme-context.tsx";

/** A row of a list the user moves through with ↑/↓: the chosen one in the theme's selection colours. */
export function SelectableRow({ chosen, children }: { chosen: boolean; children: ReactNode }) {
  const { colors, mono } = useTheme();
  return (
    <Text
      wrap="truncate"
      color={chosen ? colors.selectionFg : colors.text}
      backgroundColor={chosen ? colors.selectionBg : undefined}
      inverse={chosen && mono}
    >
      {children}
    </Text>
  );
}

/** Muted lines under a list, set off from it by a rule: the detail of its chosen row. */
export function DetailPane({ lines }: { lines: readonly string[] }) {
  const { colors } = useTheme();
  return (
    <Box
      flexDirection="column"
      borderStyle="single"
      borderColor={colors.border}
      borderLeft={false}
      borderRight={false}
      borderBottom={false}
    >
      {lines.map((line, i) => (
        <Text key={i} color={colors.muted} wrap="truncate">
          {line || " "}
        </Text>
      ))}
    </Box>
  );
}
