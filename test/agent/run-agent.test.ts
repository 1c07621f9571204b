// The agent loop in process: runAgent with an in-memory scripted model (no HTTP), a real session store
// in a temp data dir, and real or tiny test tools. The process tests (test/cli) cover the same loop end to end.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, test } from "node:test";
import { MockLanguageModelV3 } from "ai/test";
import type { ModelMessage } from "ai";
import { z } from "zod";
import type { AgentOptions } from "../../src/agent/agent-options.ts";
import { runAgent } from "../../src/agent/run-agent.ts";
import type { AgentEvent } from "../../src/contracts/agent-events.ts";
import { defineTool, ToolError, type PermissionRequest, type Tool, type ToolKind } from "../../src/contracts/tool.ts";
import { SessionStore } from "../../src/session/store.ts";
import { readFileTool } from "../../src/tool/builtin/read-file.ts";
import { taskTool } from "../../src/tool/builtin/task.ts";
import { scriptedModel, type ScriptedTurn } from "../support/scripted-language-model.ts";

const root = mkdtempSync(join(tmpdir(), "codetether-run-agent-"));
const workspace = join(root, "workspace");
const dataDir = join(root, "data");
mkdirSync(workspace);
const store = SessionStore.open(dataDir);
after(() => rmSync(root, { recursive: true, force: true }));

const SYSTEM = "You are a test agent.";
/** Bookkeeping events (the session, each stored message): present or not, they are not the loop's flow. */
const BOOKKEEPING = new Set<string>(["session", "message"]);

interface RunSetup {
  script: ScriptedTurn[];
  input?: string;
  tools?: Tool[];
  contextWindow?: number;
  /** Messages the session already holds (a resumed conversation). */
  history?: ModelMessage[];
  /** Further runAgent options: authorize, retry, maxSteps, signal, resolveAgent. */
  options?: Partial<AgentOptions>;
  /** Sees each event as it arrives, e.g. to abort mid-stream. */
  onEvent?: (event: AgentEvent) => void;
}

/** Runs the loop once in a new session and collects what happened: events, stored messages, model calls. */
async function run(setup: RunSetup) {
  const model = scriptedModel({ script: setup.script, contextWindow: setup.contextWindow });
  let session = store.create({ directory: workspace, model: model.resolved.ref, agent: "build" });
  for (const message of setup.history ?? []) store.append(session.id, message);
  session = store.get(session.id)!;
  const all: AgentEvent[] = [];
  const options: AgentOptions = {
    store,
    session,
    model: model.resolved,
    tools: setup.tools ?? [],
    system: SYSTEM,
    workspace,
    dataDir,
    ...setup.options,
  };
  for await (const event of runAgent(setup.input ?? "hi", options)) {
    all.push(event);
    setup.onEvent?.(event);
  }
  const events = all.filter((event) => !BOOKKEEPING.has(event.type));
  const finish = events.at(-1);
  assert.equal(finish?.type, "finish", "the run ends with a finish event");
  if (all[0]?.type === "session") assert.equal(all[0].sessionId, session.id);
  assert.ok(
    all.slice(1).every((event) => event.type !== "session"),
    "a session event can only come first",
  );
  return {
    model,
    session,
    all,
    events,
    finish: finish as Extract<AgentEvent, { type: "finish" }>,
    stored: store.messages(session.id),
    /** Event types in order, repeats of one type in a row collapsed (deltas come in several pieces). */
    flow: events.map((event) => event.type).filter((type, i, types) => type !== types[i - 1]),
    text: (type: "text-delta" | "reasoning-delta" = "text-delta") =>
      events.flatMap((event) => (event.type === type ? [event.text] : [])).join(""),
  };
}

function ofType<T extends AgentEvent["type"]>(events: AgentEvent[], type: T): Extract<AgentEvent, { type: T }>[] {
  return events.filter((event): event is Extract<AgentEvent, { type: T }> => event.type === type);
}

/** A tiny tool that asks permission for its kind, then records and echoes its text. */
function testTool(name: string, kind: ToolKind = "other") {
  const runs: string[] = [];
  const tool = defineTool({
    name,
    description: `Test tool ${name}.`,
    kind,
    parameters: z.object({ text: z.string() }),
    async execute({ text }, ctx) {
      await ctx.authorize({ tool: name, kind, target: text });
      runs.push(text);
      return { output: `${name}: ${text}` };
    },
  });
  return { tool, runs };
}

/** Text parts of a stored or sent message, joined. */
function textOf(message: ModelMessage): string {
  if (typeof message.content === "string") return message.content;
  return message.content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

test("a text-only answer: step-start, reasoning and text deltas, usage, finish stop; both messages stored", async () => {
  const answer = "Hello there, nice to meet you today.";
  const r = await run({
    input: "say hello",
    script: [{ items: [{ reasoning: "A greeting is due." }, { text: answer }], usage: { input: 12, output: 7 } }],
  });
  assert.deepEqual(r.flow, ["step-start", "reasoning-delta", "text-delta", "usage", "finish"]);
  assert.ok(ofType(r.events, "text-delta").length > 1, "the text streams in several deltas");
  assert.equal(r.text(), answer);
  assert.equal(r.text("reasoning-delta"), "A greeting is due.");
  assert.deepEqual(ofType(r.events, "usage"), [
    { type: "usage", step: 1, inputTokens: 12, outputTokens: 7, cost: undefined },
  ]);
  assert.deepEqual(r.finish, {
    type: "finish",
    reason: "stop",
    text: answer,
    steps: 1,
    usage: { inputTokens: 12, outputTokens: 7, cost: 0 },
  });

  assert.deepEqual(
    r.stored.map((m) => [m.message.role, textOf(m.message)]),
    [
      ["user", "say hello"],
      ["assistant", answer],
    ],
  );
  const info = store.get(r.session.id)!;
  assert.equal(info.title, "say hello");
  assert.deepEqual([info.inputTokens, info.outputTokens], [12, 7]);
  assert.equal(r.model.calls.length, 1);
  assert.deepEqual(r.model.calls[0]!.prompt, { system: SYSTEM, users: ["say hello"] });
});

test("a tool call round trip: pending, running, completed; the result is in the next model call", async () => {
  writeFileSync(join(workspace, "notes.txt"), "the answer is 42\n");
  const r = await run({
    input: "what do my notes say?",
    tools: [readFileTool],
    script: [[{ text: "Let me look." }, { tool: "read_file", input: { path: "notes.txt" } }], "They say 42."],
  });
  assert.deepEqual(r.flow, [
    "step-start",
    "text-delta",
    "tool-pending",
    "usage",
    "tool-running",
    "tool-completed",
    "step-start",
    "text-delta",
    "usage",
    "finish",
  ]);
  const [pending] = ofType(r.events, "tool-pending");
  assert.deepEqual(pending, {
    type: "tool-pending",
    callId: "call_1_1",
    tool: "read_file",
    input: { path: "notes.txt" },
  });
  const [completed] = ofType(r.events, "tool-completed");
  assert.equal(completed!.callId, "call_1_1");
  assert.match(completed!.output, /the answer is 42/);

  assert.deepEqual(
    r.model.calls[1]!.toolResults.map((t) => [t.toolCallId, t.toolName, t.output.type]),
    [["call_1_1", "read_file", "text"]],
  );
  assert.match(String(r.model.calls[1]!.toolResults[0]!.output.value), /the answer is 42/);
  assert.deepEqual(r.model.calls[0]!.tools, ["read_file"]);
  assert.deepEqual(
    r.stored.map((m) => m.message.role),
    ["user", "assistant", "tool", "assistant"],
  );
  assert.equal(r.finish.reason, "stop");
  assert.equal(r.finish.text, "They say 42.");
  assert.equal(r.finish.steps, 2);
});

test("parallel tool calls run at the same time; results go back in call order", async () => {
  let arrived = 0;
  let allArrived!: () => void;
  const together = new Promise<void>((resolve) => (allArrived = resolve));
  const meet = defineTool({
    name: "meet",
    description: "Waits until every call of this step has started.",
    kind: "other",
    parameters: z.object({ who: z.string(), lingerMs: z.number().default(0) }),
    async execute({ who, lingerMs }) {
      if (++arrived === 2) allArrived();
      const alone = sleep(2000, undefined, { ref: false }).then(() => {
        throw new ToolError(`${who} ran alone`);
      });
      await Promise.race([together, alone]);
      await sleep(lingerMs);
      return { output: `${who} met` };
    },
  });
  const r = await run({
    tools: [meet],
    script: [
      [
        { tool: "meet", input: { who: "a", lingerMs: 30 } },
        { tool: "meet", input: { who: "b" } },
      ],
      "Both met.",
    ],
  });
  const toolEvents = r.events.filter((e) => e.type.startsWith("tool-")).map((e) => e.type);
  assert.deepEqual(toolEvents, [
    "tool-pending",
    "tool-pending",
    "tool-running",
    "tool-running",
    "tool-completed",
    "tool-completed",
  ]);
  // Completions are reported as they happen (b first), results are returned in call order.
  assert.deepEqual(
    ofType(r.events, "tool-completed").map((e) => e.output),
    ["b met", "a met"],
  );
  assert.deepEqual(
    r.model.calls[1]!.toolResults.map((t) => [t.toolCallId, t.output.value]),
    [
      ["call_1_0", "a met"],
      ["call_1_1", "b met"],
    ],
  );
  assert.equal(r.finish.reason, "stop");
});

test("invalid tool input and an unknown tool are returned to the model as errors, nothing runs", async () => {
  const echo = testTool("echo");
  const r = await run({
    tools: [echo.tool],
    script: [
      [
        { tool: "echo", input: { text: 42 } },
        { tool: "nope", input: {} },
      ],
      "Sorry, let me fix that.",
    ],
  });
  assert.deepEqual(echo.runs, []);
  assert.equal(ofType(r.events, "tool-running").length, 0);
  // Zod rejects the bad argument in the loop; the SDK itself rejects the unknown tool (an invalid call).
  const errors = new Map(ofType(r.events, "tool-error").map((e) => [e.callId, e.error]));
  assert.match(errors.get("call_1_0")!, /^invalid arguments for echo: .*expected string/);
  assert.match(errors.get("call_1_1")!, /^invalid call of nope: .*unavailable tool 'nope'/);
  // One result per call (no second result of the SDK's own), each the error the model can read.
  assert.deepEqual(
    r.model.calls[1]!.toolResults.map((t) => [t.toolCallId, t.output]),
    [
      ["call_1_0", { type: "error-text", value: errors.get("call_1_0") }],
      ["call_1_1", { type: "error-text", value: errors.get("call_1_1") }],
    ],
  );
  assert.equal(r.finish.reason, "stop");
});

/** Usage as a provider reports it, for models built from stream parts in a test. */
const scriptedUsage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
};

test("tool arguments that are not JSON: the call is rejected, and the step's stored call holds {} (a valid next request)", async () => {
  const echo = testTool("echo");
  const turns = [
    [
      { type: "tool-call" as const, toolCallId: "c1", toolName: "echo", input: '{"text": "unterminated' },
      {
        type: "finish" as const,
        usage: scriptedUsage,
        finishReason: { unified: "tool-calls" as const, raw: "tool_calls" },
      },
    ],
    [
      { type: "text-start" as const, id: "0" },
      { type: "text-delta" as const, id: "0", delta: "fixed" },
      { type: "text-end" as const, id: "0" },
      { type: "finish" as const, usage: scriptedUsage, finishReason: { unified: "stop" as const, raw: "stop" } },
    ],
  ];
  const model = new MockLanguageModelV3({
    doStream: async () => ({
      stream: new ReadableStream({
        start(stream) {
          for (const part of turns.shift()!) stream.enqueue(part);
          stream.close();
        },
      }),
    }),
  });
  const r = await run({
    tools: [echo.tool],
    options: { model: { ...scriptedModel().resolved, language: model } },
    script: [],
  });
  assert.deepEqual(echo.runs, []);
  const [error] = ofType(r.events, "tool-error");
  assert.match(error!.error, /^invalid call of echo: Invalid input for tool echo: JSON parsing failed/);
  const call = r.stored.map((m) => m.message).find((m) => m.role === "assistant" && typeof m.content !== "string");
  assert.deepEqual(
    (call!.content as Array<{ type: string; input?: unknown }>).map((part) => [part.type, part.input]),
    [["tool-call", {}]],
  );
  assert.equal(r.finish.reason, "stop");
  assert.equal(r.finish.text, "fixed");
});

test("a denied permission is a tool error the model reads; the tool does nothing", async () => {
  writeFileSync(join(workspace, "secret.txt"), "hunter2\n");
  const requests: PermissionRequest[] = [];
  const r = await run({
    tools: [readFileTool],
    options: {
      authorize: async (request) => {
        requests.push(request);
        throw new ToolError(`denied: ${request.tool} may not read ${request.target}`);
      },
    },
    script: [[{ tool: "read_file", input: { path: "secret.txt" } }], "I am not allowed to read it."],
  });
  assert.deepEqual(requests, [
    { tool: "read_file", kind: "read", target: join(workspace, "secret.txt"), external: false },
  ]);
  const [error] = ofType(r.events, "tool-error");
  assert.match(error!.error, /^denied: read_file may not read/);
  assert.equal(ofType(r.events, "tool-completed").length, 0);
  assert.deepEqual(r.model.calls[1]!.toolResults[0]!.output, { type: "error-text", value: error!.error });
  assert.ok(!JSON.stringify(r.model.calls.map((c) => c.options.prompt)).includes("hunter2"));
  assert.equal(r.finish.reason, "stop");
});

test("a retryable provider error (429) is retried after the server's delay, then the answer streams", async () => {
  const r = await run({
    options: { retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 50 } },
    script: [{ error: { status: 429, headers: { "retry-after-ms": "5" } } }, "Recovered."],
  });
  assert.deepEqual(r.flow, ["step-start", "retry", "text-delta", "usage", "finish"]);
  const [retry] = ofType(r.events, "retry");
  assert.equal(retry!.attempt, 1);
  assert.equal(retry!.delayMs, 5);
  assert.match(retry!.error, /HTTP 429/);
  assert.equal(r.model.calls.length, 2);
  assert.equal(r.finish.reason, "stop");
  assert.equal(r.finish.text, "Recovered.");
});

test("retries stop after maxAttempts: error, finish error", async () => {
  const r = await run({
    options: { retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 } },
    script: [{ error: { status: 503 } }, { error: { status: 503 } }, "never sent"],
  });
  assert.deepEqual(r.flow, ["step-start", "retry", "error", "finish"]);
  assert.equal(r.model.calls.length, 2);
  assert.equal(r.finish.reason, "error");
});

test("a non-retryable provider error ends the run at once: error, finish error; the user message stays", async () => {
  const r = await run({
    input: "a question",
    script: [{ error: { status: 400, body: { error: { message: "context too long" } } } }, "never sent"],
  });
  assert.deepEqual(r.flow, ["step-start", "error", "finish"]);
  const [error] = ofType(r.events, "error");
  assert.match(error!.message, /HTTP 400.*context too long/);
  assert.equal(r.finish.reason, "error");
  assert.equal(r.model.calls.length, 1);
  assert.deepEqual(
    r.stored.map((m) => m.message.role),
    ["user"],
  );
});

test("abort mid-stream of a provider whose stream then just ends: still finish aborted, not an answer", async () => {
  const controller = new AbortController();
  const quiet = new MockLanguageModelV3({
    async doStream({ abortSignal }) {
      return {
        stream: new ReadableStream({
          start(stream) {
            stream.enqueue({ type: "text-start", id: "0" });
            stream.enqueue({ type: "text-delta", id: "0", delta: "partial" });
            abortSignal?.addEventListener("abort", () => stream.close(), { once: true });
          },
        }),
      };
    },
  });
  const r = await run({
    options: { signal: controller.signal, model: { ...scriptedModel().resolved, language: quiet } },
    script: [],
    onEvent: (event) => {
      if (event.type === "text-delta") controller.abort();
    },
  });
  assert.equal(r.finish.reason, "aborted");
  assert.equal(r.finish.text, "");
  assert.deepEqual(
    r.stored.map((m) => [m.message.role, textOf(m.message)]),
    [
      ["user", "hi"],
      ["assistant", "partial"],
    ],
  );
});

test("abort mid-stream: finish aborted, the text streamed so far is stored", async () => {
  const controller = new AbortController();
  const r = await run({
    options: { signal: controller.signal },
    script: [{ items: [{ text: "Working on it, here is a partial answer that never ends" }], hang: true }],
    onEvent: (event) => {
      if (event.type === "text-delta") controller.abort();
    },
  });
  assert.equal(r.finish.reason, "aborted");
  const streamed = r.text();
  assert.ok(streamed.length > 0);
  assert.deepEqual(
    r.stored.map((m) => [m.message.role, textOf(m.message)]),
    [
      ["user", "hi"],
      ["assistant", streamed],
    ],
  );
});

test("max steps: the loop stops after the budget with an error and finish max-steps", async () => {
  const echo = testTool("echo");
  const r = await run({
    tools: [echo.tool],
    options: { maxSteps: 2 },
    script: [[{ tool: "echo", input: { text: "one" } }], [{ tool: "echo", input: { text: "two" } }], "never sent"],
  });
  assert.deepEqual(echo.runs, ["one", "two"]);
  const [error] = ofType(r.events, "error");
  assert.match(error!.message, /maximum of 2 steps/);
  assert.equal(r.finish.reason, "max-steps");
  assert.equal(r.finish.steps, 2);
  assert.equal(r.model.calls.length, 2);
  assert.equal(r.model.pending(), 1);
  assert.equal(r.stored.at(-1)!.message.role, "tool", "the last step's results are stored");
});

test("doom loop: the same call is refused from the third time and the run stops at the sixth", async () => {
  const echo = testTool("echo");
  const same: ScriptedTurn = [{ tool: "echo", input: { text: "again" } }];
  const r = await run({ tools: [echo.tool], script: [same, same, same, same, same, same, "never sent"] });
  assert.deepEqual(echo.runs, ["again", "again"]);
  assert.deepEqual(
    ofType(r.events, "tool-error").map((e) => e.error.match(/made (\d) times in a row/)?.[1]),
    ["3", "4", "5", "6"],
  );
  const [error] = ofType(r.events, "error");
  assert.match(error!.message, /repeated the same tool call 6 times/);
  assert.equal(r.finish.reason, "doom-loop");
  assert.equal(r.finish.steps, 6);
  // Every call has its one result, the refused last one included: the session can be resumed.
  const last = r.stored.at(-1)!.message;
  assert.equal(last.role, "tool");
  assert.equal(last.content.length, 1);
});

test("compaction: a small context window folds older turns into a stored summary the model is sent", async () => {
  const long = "All about the first topic. ".repeat(80); // ~2,200 characters, over the window alone
  const r = await run({
    contextWindow: 400,
    history: [
      { role: "user", content: "first question" },
      { role: "assistant", content: [{ type: "text", text: long }] },
      { role: "user", content: "second question" },
      { role: "assistant", content: [{ type: "text", text: "second answer" }] },
    ],
    input: "third question",
    script: ["SUMMARY: the first topic was discussed.", "Third answer."],
  });
  assert.deepEqual(r.flow, ["compaction", "step-start", "text-delta", "usage", "finish"]);
  assert.deepEqual(ofType(r.events, "compaction"), [{ type: "compaction", pruned: 0, summarized: true }]);

  const [summarize, step] = r.model.calls;
  assert.equal(summarize!.kind, "generate");
  assert.notEqual(summarize!.prompt.system, SYSTEM);
  assert.ok(JSON.stringify(summarize!.options.prompt).includes(long.trim()), "the summary call reads the old turn");
  assert.equal(step!.kind, "stream");
  assert.deepEqual(step!.prompt.users, [
    "Summary of the earlier conversation:\nSUMMARY: the first topic was discussed.",
    "second question",
    "third question",
  ]);
  assert.ok(!JSON.stringify(step!.options.prompt).includes(long.trim()));

  const summary = r.stored.find((m) => m.kind === "summary");
  const folded = r.stored.find((m) => textOf(m.message) === long);
  assert.ok(summary && folded);
  assert.equal(summary.summarizes, folded.seq);
  assert.match(textOf(summary.message), /SUMMARY: the first topic was discussed\./);
  assert.equal(r.finish.reason, "stop");
});

test("a sub-agent through the task tool: a child session whose profile narrows the parent's permissions", async () => {
  const note = testTool("note", "edit");
  const parentRequests: PermissionRequest[] = [];
  const r = await run({
    input: "get the notes reviewed",
    tools: [taskTool, note.tool, readFileTool],
    options: {
      authorize: async (request) => void parentRequests.push(request),
      resolveAgent: (name) =>
        name === "reviewer"
          ? {
              system: "You are the reviewer.",
              authorize: async (request) => {
                if (request.kind === "edit") throw new ToolError("the reviewer may not edit");
              },
            }
          : undefined,
    },
    script: [
      [
        {
          tool: "task",
          input: { description: "review notes", prompt: "Review and fix the notes.", agent: "reviewer" },
        },
      ],
      [{ tool: "note", input: { text: "fixed" } }], // the child's first step
      "I may not edit; the notes look fine.", // the child's answer
      "The reviewer says the notes look fine.",
    ],
  });
  assert.deepEqual(note.runs, [], "the child's profile refused the edit");
  assert.deepEqual(
    parentRequests.map((p) => p.kind),
    ["edit"],
    "the parent's own rules were asked too",
  );

  const [, childFirst, childSecond, parentSecond] = r.model.calls;
  assert.equal(childFirst!.prompt.system, "You are the reviewer.");
  assert.deepEqual(childFirst!.prompt.users, ["Review and fix the notes."]);
  assert.deepEqual(childFirst!.tools, ["note", "read_file"], "a sub-agent cannot start sub-agents");
  assert.deepEqual(childSecond!.toolResults[0]!.output, { type: "error-text", value: "the reviewer may not edit" });

  const [completed] = ofType(r.events, "tool-completed");
  assert.equal(completed!.tool, "task");
  assert.match(completed!.output, /^I may not edit; the notes look fine\./);
  assert.match(String(parentSecond!.toolResults[0]!.output.value), /I may not edit; the notes look fine\./);
  const child = store.get(String(completed!.metadata?.sessionId))!;
  assert.equal(child.parentId, r.session.id);
  assert.equal(child.agent, "reviewer");
  assert.equal(child.title, "review notes");
  assert.deepEqual(
    store.messages(child.id).map((m) => m.message.role),
    ["user", "assistant", "tool", "assistant"],
  );
  assert.equal(
    ofType(r.events, "tool-error").length,
    0,
    "the child's events stay in the child: the parent sees its task tool complete",
  );
  assert.equal(r.finish.reason, "stop");
  assert.equal(r.finish.text, "The reviewer says the notes look fine.");
});
