import { Box, Text } from "ink";
import { SLASH_COMMANDS } from "../commands/slash-commands.ts";
import { useTheme } from "../theme/theme-context.tsx";

export const KEYS: ReadonlyArray<[string, string]> = [
  ["Enter", "send · Alt+Enter, Ctrl+J or \\ then Enter: new line"],
  ["↑ / ↓", "prompt history (persisted)"],
  ["@path", "mention a file (Tab completes; its content is sent along)"],
  ["Esc", "interrupt the running turn"],
  ["Ctrl+C", "clear the prompt; twice quits"],
  ["Tab / Shift+Tab", "switch agent (build, plan, …)"],
  ["Ctrl+M", "model selector (terminals with the kitty keyboard protocol; /model always works)"],
  ["Ctrl+B", "toggle layout: webview ↔ classic"],
  ["Alt+j / Alt+k", "scroll the live answer, inspector or help"],
  ["Ctrl+L", "redraw (/refresh)"],
  ["?", "this help (on an empty prompt)"],
];

/** Keys and slash commands; commands whose feature has not landed are listed as coming. */
export function HelpPanel({ maxRows, scroll }: { maxRows: number; scroll: number }) {
  const { colors } = useTheme();
  const rows = [
    <Text key="k" color={colors.accent} bold>
      Keys
    </Text>,
    ...KEYS.map(([key, what]) => (
      <Text key={key} wrap="truncate">
        <Text color={colors.accent}>{`  ${key.padEnd(16)}`}</Text>
        <Text color={colors.text}>{what}</Text>
      </Text>
    )),
    <Text key="c" color={colors.accent} bold>
      Commands
    </Text>,
    ...SLASH_COMMANDS.map((c) => (
      <Text key={c.name} wrap="truncate">
        <Text color={c.coming ? colors.muted : colors.accent}>{`  /${c.name}${c.args ? ` ${c.args}` : ""}`.padEnd(28)}</Text>
        <Text color={c.coming ? colors.muted : colors.text}>{c.coming ? `${c.description} — coming: ${c.coming}` : c.description}</Text>
      </Text>
    )),
  ];
  const first = Math.min(scroll, Math.max(0, rows.length - maxRows));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={colors.accent} paddingX={1}>
      {rows.slice(first, first + maxRows)}
      <Text color={colors.muted}>{`Esc closes${rows.length > maxRows ? " · Alt+j/k scroll" : ""}`}</Text>
    </Box>
  );
}
