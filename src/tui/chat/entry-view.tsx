import { Box, Text } from "ink";
import { useEffect, useState } from "react";
import { useTheme } from "../theme/theme-context.tsx";
import { DiffView, diffStat } from "./diff-view.tsx";
import { shownOutput } from "../../util/output-preview.ts";
import type { Entry, ToolEntry } from "./entries.ts";
import { Markdown } from "./markdown.tsx";
import { oneLine, toolSummary } from "../../util/tool-summary.ts";

/** webview: messages as cards with labels; classic: a compact plain transcript. */
export type Layout = "webview" | "classic";

/** One transcript entry, drawn the same whether it is live or already printed. */
export function EntryView({ entry, layout, width }: { entry: Entry; layout: Layout; width: number }) {
  const { colors } = useTheme();
  switch (entry.kind) {
    case "user":
      return layout === "webview" ? (
        <Box
          flexDirection="column"
          borderStyle="round"
          borderColor={colors.user}
          paddingX={1}
          marginTop={1}
          width={Math.min(width, 100)}
        >
          <Text color={colors.user} bold>
            you
          </Text>
          <Text color={colors.text}>{entry.text}</Text>
        </Box>
      ) : (
        <Box marginTop={1}>
          <Text color={colors.user} bold>
            {"› "}
          </Text>
          <Text color={colors.text}>{entry.text}</Text>
        </Box>
      );
    case "assistant":
      return (
        <Box paddingLeft={2} marginTop={layout === "webview" ? 1 : 0}>
          <Markdown text={entry.text} />
        </Box>
      );
    case "reasoning":
      return (
        <Box paddingLeft={2}>
          <Text color={colors.reasoning} italic>
            {`∴ ${entry.open ? "thinking" : "thought"} · ${wordCount(entry.text)} words (collapsed; /inspector shows it)`}
          </Text>
        </Box>
      );
    case "tool":
      return <ToolView entry={entry} layout={layout} width={width} />;
    case "notice": {
      const color = entry.level === "error" ? colors.error : entry.level === "warning" ? colors.warning : colors.muted;
      return (
        <Box paddingLeft={2}>
          <Text color={color}>{`${entry.level === "info" ? "·" : "!"} ${entry.text}`}</Text>
        </Box>
      );
    }
  }
}

function ToolView({ entry, layout, width }: { entry: ToolEntry; layout: Layout; width: number }) {
  const { colors } = useTheme();
  const failed = entry.state === "error" || (entry.exitCode !== undefined && entry.exitCode !== 0);
  const icon = failed ? "✗" : entry.state === "done" ? "✓" : entry.state === "running" ? <Spinner /> : "○";
  const color = failed ? colors.error : entry.state === "done" ? colors.success : colors.warning;
  const summary = oneLine(entry.title ?? toolSummary(entry.input), Math.max(20, width - entry.tool.length - 12));
  return (
    <Box flexDirection="column" paddingLeft={layout === "webview" ? 2 : 1}>
      <Text>
        <Text color={color}>{icon} </Text>
        <Text color={colors.accent} bold>
          {entry.tool}
        </Text>
        <Text color={colors.muted}>{` ${summary}`}</Text>
        {entry.diff ? <Text color={colors.muted}>{`  ${diffStat(entry.diff)}`}</Text> : null}
        {entry.state === "pending" || entry.state === "running" ? (
          <Text color={colors.muted}>{` · ${entry.state}`}</Text>
        ) : null}
        {entry.state === "done" && failed ? (
          <Text color={colors.error}>{` exit ${entry.exitCode ?? "by signal"}`}</Text>
        ) : null}
      </Text>
      {entry.state === "done"
        ? shownOutput(entry.tool, entry.output ?? "", entry.exitCode, entry.expanded ? Infinity : undefined).map(
            (line, i, lines) => (
              <Box key={i} paddingLeft={2}>
                <Text color={colors.muted}>
                  {`│ ${oneLine(line, Math.max(20, width - 8))}`}
                  {i === lines.length - 1 && line.startsWith("… ") && entry.exitCode !== undefined ? " (/expand)" : ""}
                </Text>
              </Box>
            ),
          )
        : null}
      {entry.state === "error" && entry.error ? (
        <Box paddingLeft={2}>
          <Text color={colors.error}>{oneLine(entry.error, Math.max(20, width - 6))}</Text>
        </Box>
      ) : null}
      {entry.state === "done" && entry.diff ? <DiffView diff={entry.diff} /> : null}
    </Box>
  );
}

const FRAMES = ["◐", "◓", "◑", "◒"];

/** Animates only while mounted, i.e. while the tool is running in the live region. */
function Spinner() {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), 120);
    return () => clearInterval(timer);
  }, []);
  return <>{FRAMES[frame]}</>;
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
