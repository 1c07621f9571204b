import { Box, Text } from "ink";
import { describeRequest } from "../../permission/request-scope.ts";
import { DiffView } from "../chat/diff-view.tsx";
import type { PendingApproval } from "../session/tui-snapshot.ts";
import { useTheme } from "../theme/theme-context.tsx";

export const APPROVAL_CHOICES = [
  { key: "o", reply: "once", label: "allow once" },
  { key: "a", reply: "always", label: "always (this project)" },
  { key: "r", reply: "reject", label: "reject…" },
] as const;

/**
 * A permission ask, inline where the prompt was: allow once, always (remembered for the project), or
 * reject with a reason the model reads. `reason` is set while the user types the reason.
 */
export function ApprovalPrompt({
  approval,
  selected,
  reason,
  maxDiffLines,
}: {
  approval: PendingApproval;
  selected: number;
  reason: string | undefined;
  /** The rows an edit's diff may take above the choices. */
  maxDiffLines: number;
}) {
  const { colors, mono } = useTheme();
  const { request, approvals } = approval.ask;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={colors.warning} paddingX={1}>
      <Text color={colors.warning} bold>
        {`Permission needed: ${describeRequest(request)}`}
      </Text>
      {request.external ? <Text color={colors.muted}>outside the workspace</Text> : null}
      {approval.diff ? <DiffView diff={approval.diff} maxLines={maxDiffLines} /> : null}
      {reason === undefined ? (
        <>
          <Text>
            {APPROVAL_CHOICES.map((choice, i) => (
              <Text key={choice.key}>
                <Text
                  inverse={i === selected}
                  color={i === selected ? colors.accent : colors.text}
                  bold={i === selected && mono}
                >
                  {` [${choice.key}] ${choice.label} `}
                </Text>
                {"  "}
              </Text>
            ))}
          </Text>
          <Text
            color={colors.muted}
          >{`always = ${approvals.map((a) => `${a.permission} "${a.pattern}"`).join(", ")} · ←/→ and Enter, or the letter · Esc interrupts the turn`}</Text>
        </>
      ) : (
        <>
          <Text>
            <Text color={colors.accent}>reason for the model › </Text>
            <Text color={colors.text}>{reason}</Text>
            <Text inverse> </Text>
          </Text>
          <Text color={colors.muted}>Enter sends the rejection (the reason is optional) · Esc goes back</Text>
        </>
      )}
    </Box>
  );
}
