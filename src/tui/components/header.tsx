import { Box, Text } from "ink";
import type { TuiSnapshot } from "../session/tui-snapshot.ts";
import { useTheme } from "../theme/theme-context.tsx";
import type { ViewId } from "../views/view-ids.ts";

/** The webview layout's title bar: product, session title, view and agent. */
export function Header({ snapshot, view, width }: { snapshot: TuiSnapshot; view: ViewId; width: number }) {
  const { colors } = useTheme();
  const title = snapshot.session.title || "new session";
  return (
    <Box width={width} justifyContent="space-between">
      <Text wrap="truncate">
        <Text color={colors.accent} bold>
          {" ◆ CodeTether "}
        </Text>
        <Text color={colors.muted}>{`· ${title}`}</Text>
      </Text>
      <Text color={colors.muted}>{`${view} · ${snapshot.agent} `}</Text>
    </Box>
  );
}
