import assert from "node:assert/strict";
import { test } from "node:test";
import type { AgentEvent } from "../../src/contracts/agent-events.ts";
import type { Entry } from "../../src/tui/chat/entries.ts";
import { completedBlocks, reduceTurn } from "../../src/tui/chat/turn-reducer.ts";
import { clipTail } from "../../src/tui/chat/clip.ts";
import { ScrollbackQueue } from "../../src/tui/session/scrollback.ts";

function play(events: AgentEvent[]): { live: Entry[]; printed: Entry[] } {
  let live: Entry[] = [];
  const printed: Entry[] = [];
  for (const event of events) {
    const update = reduceTurn(live, event);
    live = update.live;
    printed.push(...update.settled);
  }
  return { live, printed };
}

test("a streamed answer is printed block by block; the block being written stays live", () => {
  const { live, printed } = play([
    { type: "text-delta", text: "First para" },
    { type: "text-delta", text: "graph.\n\n```js\nconst a = 1;\n\nconst b" },
  ]);
  assert.deepEqual(
    printed.map((e) => e.kind === "assistant" && e.text),
    ["First paragraph."],
  );
  assert.equal(live.length, 1);
  assert.equal(live[0]!.kind === "assistant" && live[0]!.text, "```js\nconst a = 1;\n\nconst b");
});

test("completedBlocks never splits inside a code fence or on the growing last line", () => {
  assert.equal(completedBlocks("one\n\ntwo"), 5);
  assert.equal(completedBlocks("```\na\n\nb"), 0);
  assert.equal(completedBlocks("\n\nstart"), 0);
});

test("tool calls go pending → running → done and settle with their diff; errors keep their message", () => {
  const events: AgentEvent[] = [
    { type: "text-delta", text: "Editing." },
    { type: "tool-pending", callId: "c1", tool: "edit", input: { path: "a.ts" } },
    { type: "tool-pending", callId: "c2", tool: "bash", input: { command: "false" } },
  ];
  const mid = play(events);
  assert.deepEqual(
    mid.printed.map((e) => e.kind),
    ["assistant"],
  );
  assert.deepEqual(
    mid.live.map((e) => e.kind === "tool" && e.state),
    ["pending", "pending"],
  );
  const end = play([
    ...events,
    { type: "tool-running", callId: "c1", tool: "edit", input: { path: "a.ts" } },
    { type: "tool-error", callId: "c2", tool: "bash", error: "exit 1" },
    {
      type: "tool-completed",
      callId: "c1",
      tool: "edit",
      title: "a.ts",
      output: "edited",
      metadata: { path: "/w/a.ts", before: "x\n", after: "y\n" },
    },
  ]);
  assert.equal(end.live.length, 0);
  const [edit, bash] = end.printed.slice(1) as Array<Extract<Entry, { kind: "tool" }>>;
  assert.equal(edit!.state, "done");
  assert.deepEqual(edit!.diff, { path: "/w/a.ts", before: "x\n", after: "y\n" });
  assert.equal(bash!.state, "error");
  assert.equal(bash!.error, "exit 1");
});

test("reasoning is its own entry, closed when the answer starts; an aborted turn says so", () => {
  const { live, printed } = play([
    { type: "reasoning-delta", text: "let me think" },
    { type: "text-delta", text: "Answer" },
    { type: "finish", reason: "aborted", text: "", steps: 1, usage: { inputTokens: 0, outputTokens: 0, cost: 0 } },
  ]);
  assert.deepEqual(live, []);
  assert.deepEqual(
    printed.map((e) => e.kind),
    ["reasoning", "assistant", "notice"],
  );
  assert.match(printed[2]!.kind === "notice" ? printed[2]!.text : "", /interrupted/);
});

test("the scrollback queue starts a new batch once the previous one is printed, dropping it", () => {
  const queue = new ScrollbackQueue();
  const e = (text: string): Entry => ({ id: text, kind: "user", text });
  queue.push([e("a")]);
  queue.push([e("b")]);
  assert.deepEqual(
    queue.current().items.map((i) => i.id),
    ["a", "b"],
  );
  const key = queue.current().key;
  queue.markPrinted(key, 2);
  queue.push([e("c")]);
  assert.notEqual(queue.current().key, key);
  assert.deepEqual(
    queue.current().items.map((i) => i.id),
    ["c"],
  );
});

test("clipTail keeps the newest rows, scrolls back, and reopens a code fence it cut into", () => {
  const text = ["intro", "```py", ...Array.from({ length: 20 }, (_, i) => `line ${i}`), "```"].join("\n");
  const tail = clipTail(text, 6, 80);
  assert.ok(tail.text.startsWith("```py\n"));
  assert.ok(tail.text.endsWith("```"));
  assert.equal(tail.below, 0);
  const back = clipTail(text, 6, 80, 5);
  assert.equal(back.below, 5);
  assert.match(back.text, /line 15$/); // the closing fence and lines 19…16 are below
});
