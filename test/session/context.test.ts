import assert from "node:assert/strict";
import { test } from "node:test";
import type { ModelMessage } from "ai";
import { modelContext } from "../../src/session/context.ts";
import type { StoredMessage } from "../../src/contracts/agent-events.ts";

const stored = (messages: ModelMessage[]): StoredMessage[] =>
  messages.map((message, i) => ({ seq: i + 1, kind: "message", message, createdAt: 0 }));
const call = (id: string) => ({ type: "tool-call" as const, toolCallId: id, toolName: "bash", input: {} });
const result = (id: string) => ({
  type: "tool-result" as const,
  toolCallId: id,
  toolName: "bash",
  output: { type: "text" as const, value: "ok" },
});

test("calls left without results by a killed run get an 'interrupted' result, so the session can resume", () => {
  const context = modelContext(
    stored([
      { role: "user", content: "go" },
      { role: "assistant", content: [call("a"), call("b")] },
      { role: "tool", content: [result("a")] },
      { role: "assistant", content: [call("c")] },
      { role: "user", content: "again" },
      { role: "assistant", content: [call("d")] },
    ]),
  );
  assert.deepEqual(
    context.map((m) =>
      m.role === "tool"
        ? `tool ${m.content.map((p) => ("toolCallId" in p ? `${p.toolCallId}:${(p as { output: { type: string } }).output.type}` : "")).join(",")}`
        : m.role,
    ),
    [
      "user",
      "assistant",
      "tool a:text,b:error-text",
      "assistant",
      "tool c:error-text",
      "user",
      "assistant",
      "tool d:error-text",
    ],
  );
});

test("a whole conversation is left as it is", () => {
  const messages: ModelMessage[] = [
    { role: "user", content: "go" },
    { role: "assistant", content: [call("a")] },
    { role: "tool", content: [result("a")] },
    { role: "assistant", content: "done" },
  ];
  assert.deepEqual(modelContext(stored(messages)), messages);
});
