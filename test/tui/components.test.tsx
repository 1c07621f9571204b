import assert from "node:assert/strict";
import { test } from "node:test";
import { render } from "ink-testing-library";
import type { Entry } from "../../src/tui/chat/entries.ts";
import { EntryView } from "../../src/tui/chat/entry-view.tsx";
import { Markdown } from "../../src/tui/chat/markdown.tsx";
import { highlightLine } from "../../src/tui/chat/highlight.ts";
import { Picker, filterItems } from "../../src/tui/components/picker.tsx";
import { HelpPanel } from "../../src/tui/views/help-panel.tsx";
import { ThemeProvider } from "../../src/tui/theme/theme-context.tsx";
import { loadTheme } from "../../src/tui/theme/load-theme.ts";

const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");

test("markdown: headings, bullets, inline code and a fenced block with its language", () => {
  const { lastFrame } = render(<Markdown text={"# Title\n- item with `code`\n\n```ts\nconst x = 1; // note\n```"} />);
  const frame = stripAnsi(lastFrame()!);
  assert.match(frame, /Title/);
  assert.match(frame, /• item with code/);
  assert.match(frame, /ts/);
  assert.match(frame, /const x = 1; \/\/ note/);
  assert.doesNotMatch(frame, /```/);
});

test("markdown tables render as aligned columns: header, a rule, rows; inline markup and escaped pipes handled", () => {
  const text =
    "Before\n| Tool | Exit | Note |\n|---|:-:|---|\n| `bash` | 0 | **ok** |\n| grep | 127 | a \\| b |\nAfter";
  const frame = stripAnsi(render(<Markdown text={text} />).lastFrame()!);
  assert.equal(
    frame,
    ["Before", "Tool │ Exit │ Note", "─────┼──────┼──────", "bash │ 0    │ ok", "grep │ 127  │ a | b", "After"].join(
      "\n",
    ),
  );
});

test("the highlighter colours keywords, strings, numbers and comments", () => {
  const tokens = highlightLine('const s = "hi"; // 42', "ts");
  assert.deepEqual(
    tokens.map((t) => [t.text, t.color]),
    [
      ["const", "codeKeyword"],
      [" s = ", "codeText"],
      ['"hi"', "codeString"],
      ["; ", "codeText"],
      ["// 42", "codeComment"],
    ],
  );
  assert.equal(highlightLine("x = 1 # py", "python").at(-1)!.color, "codeComment");
});

test("a tool call shows its state, a one-line summary, and an edit as a diff", () => {
  const tool = (state: "pending" | "running" | "done" | "error", extra: object = {}): Entry => ({
    id: state,
    kind: "tool",
    callId: "c",
    tool: "edit",
    input: { path: "src/a.ts" },
    state,
    ...extra,
  });
  const frame = (entry: Entry) =>
    stripAnsi(render(<EntryView entry={entry} layout="classic" width={80} />).lastFrame()!);
  assert.match(frame(tool("pending")), /○ edit src\/a\.ts · pending/);
  assert.match(
    frame(tool("error", { error: "old_string not found\nmore" })),
    /✗ edit src\/a\.ts\n.*old_string not found$/m,
  );
  const done = frame(
    tool("done", { title: "src/a.ts", diff: { path: "/w/src/a.ts", before: "a\nb\nc\n", after: "a\nB\nc\nd\n" } }),
  );
  assert.match(done, /✓ edit src\/a\.ts {2}\+2 -1/);
  assert.match(done, /^ *-b$/m);
  assert.match(done, /^ *\+B$/m);
  assert.match(done, /^ *\+d$/m);
});

test("a command shows its first lines and a non-zero exit as ✗; the todo list shows as a checklist", () => {
  const frame = (entry: Entry) =>
    stripAnsi(render(<EntryView entry={entry} layout="classic" width={80} />).lastFrame()!);
  const base = { id: "t", kind: "tool", callId: "c", state: "done" } as const;
  const failed = frame({ ...base, tool: "bash", input: {}, title: "make", output: "boom\n[exit code 2]", exitCode: 2 });
  assert.match(failed, /✗ bash make exit 2\n +│ boom$/);
  const todos = frame({
    ...base,
    tool: "todo_write",
    input: {},
    title: "2 todos",
    output: "[x] 1. a\n[ ] 2. b\n1 open of 2",
  });
  assert.match(todos, /✓ todo_write 2 todos\n +│ \[x\] 1\. a\n +│ \[ \] 2\. b\n +│ 1 open of 2$/);
});

test("reasoning stays collapsed to one line", () => {
  const { lastFrame } = render(
    <EntryView entry={{ id: "r", kind: "reasoning", text: "a b c d", open: false }} layout="webview" width={80} />,
  );
  assert.match(stripAnsi(lastFrame()!), /∴ thought · 4 words/);
  assert.doesNotMatch(stripAnsi(lastFrame()!), /a b c d/);
});

test("pickers filter by every typed word; help lists the commands and keys", () => {
  const items = [
    { value: "openai/gpt-5", label: "openai/gpt-5", hint: "key: OPENAI_API_KEY" },
    { value: "anthropic/claude", label: "anthropic/claude", hint: "no key" },
  ];
  assert.deepEqual(
    filterItems(items, "no key").map((i) => i.value),
    ["anthropic/claude"],
  );
  const picker = stripAnsi(
    render(<Picker title="Model" items={items} state={{ filter: "gpt", selected: 0 }} maxRows={5} />).lastFrame()!,
  );
  assert.match(picker, /› openai\/gpt-5/);
  assert.doesNotMatch(picker, /anthropic/);
  const help = stripAnsi(render(<HelpPanel maxRows={60} scroll={0} />).lastFrame()!);
  assert.match(help, /\/ralph \[prd\.json\] +run the PRD's stories/);
  assert.match(help, /\/swarm \[task\] +split a task over parallel sub-agents/);
  assert.match(help, /Ctrl\+S, F2 +swarm view/);
  assert.match(help, /Ctrl\+B +toggle layout/);
});

test("without colour (NO_COLOR) nothing is coloured, the selection is still visible", () => {
  const theme = loadTheme("marketing", { color: false });
  const { lastFrame } = render(
    <ThemeProvider value={theme}>
      <Picker title="Theme" items={[{ value: "a", label: "a" }]} state={{ filter: "", selected: 0 }} maxRows={3} />
    </ThemeProvider>,
  );
  assert.doesNotMatch(lastFrame()!, /\x1b\[(3|4|9)\d(;\d+)*m/);
});
