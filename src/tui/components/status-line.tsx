import { Box, Text } from "ink";
import type { TuiSnapshot } from "../session/tui-snapshot.ts";
import { useTheme } from "../theme/theme-context.tsx";
import { compactNumber, dollars, tildePath } from "./format.ts";

/** One row: model, context used, session tokens and cost, directory, git branch, agent; then any transient status. */
export function StatusLine({
  snapshot,
  workspace,
  branch,
  width,
  flash,
}: {
  snapshot: TuiSnapshot;
  workspace: string;
  branch?: string;
  width: number;
  flash?: string;
}) {
  const { colors } = useTheme();
  const { model, usage, agent } = snapshot;
  const percent = Math.min(100, Math.round((usage.contextTokens / model.contextWindow) * 100));
  const parts = [
    model.ref,
    `ctx ${percent}%`,
    `${compactNumber(usage.inputTokens)}↑ ${compactNumber(usage.outputTokens)}↓ ${dollars(usage.cost)}`,
    tildePath(workspace),
    ...(branch ? [`⎇ ${branch}`] : []),
    agent,
  ];
  const status = flash ?? snapshot.status ?? (snapshot.busy ? "working… (Esc interrupts)" : "? help");
  const right = status.length > width / 2 ? `${status.slice(0, Math.floor(width / 2) - 1)}…` : status;
  const left = ` ${parts.join(" │ ")} `;
  const room = Math.max(0, width - right.length - 2);
  const shown = left.length > room ? `${left.slice(0, Math.max(0, room - 1))}…` : left.padEnd(room);
  const percentColor = percent >= 90 ? colors.error : percent >= 70 ? colors.warning : colors.statusFg;
  return (
    <Box width={width}>
      <Text color={percent >= 70 ? percentColor : colors.statusFg} backgroundColor={colors.statusBg}>
        {shown}
      </Text>
      <Text color={colors.accent} backgroundColor={colors.statusBg}>
        {` ${right} `}
      </Text>
    </Box>
  );
}
