import { Box, Text } from "ink";
import { SLASH_COMMANDS } from "../commands/slash-commands.ts";
import { useTheme } from "../theme/theme-context.tsx";

export const KEYS: ReadonlyArray<[string, string]> = [
  ["Enter", "send · Alt+Enter, Ctrl+J or \\ then Enter: new line"],
  ["↑ / ↓", "prompt history (persisted); ↑ first takes back the last queued message"],
  ["@path", "mention a file (Tab completes; its content is sent along)"],
  ["Ctrl+V", "attach the clipboard's image (pasting or dropping an image file's path attaches it too)"],
  ["!command", "run a shell command in the workspace (sandboxed); the model does not see it"],
  ["(while busy)", "Enter queues the message: it is sent when the turn ends"],
  ["Esc", "interrupt the running turn"],
  ["Ctrl+C", "clear the prompt; twice quits"],
  ["Tab / Shift+Tab", "switch agent (build, plan, …)"],
  ["Ctrl+O / Ctrl+M", "model selector (Ctrl+M only where the terminal tells it from Enter; /model works too)"],
  ["Ctrl+B", "toggle layout: webview ↔ classic"],
  ["Alt+j / Alt+k", "scroll the live answer, inspector or help"],
  ["Ctrl+L", "redraw (/refresh)"],
  ["Ctrl+S, F2", "swarm view: the sub-agents of /swarm (Tab moves, Enter shows a transcript, Esc back)"],
  ["?", "this help (on an empty prompt)"],
];

/** Keys and slash commands. */
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
        <Text color={colors.accent}>{`  /${c.name}${c.args ? ` ${c.args}` : ""}`.padEnd(28)}</Text>
        <Text color={colors.text}>{c.description}</Text>
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
