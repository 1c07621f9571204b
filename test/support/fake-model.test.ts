// Proves the scripted (fake) model is faithful: every wire format is driven through the real AI SDK clients.
// The test of its own process needs the build (`node scripts/test.mjs test/support`).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, test } from "node:test";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { APICallError, generateText, stepCountIs, streamText, tool } from "ai";
import type { LanguageModel } from "ai";
import { z } from "zod";
import { EXHAUSTED_TEXT, startFakeModel } from "./fake-model.ts";
import type { FakeModel, RecordedRequest, Turn } from "./fake-model.ts";

interface Provider {
  name: string;
  model(url: string): LanguageModel;
  /** Whether the client surfaces streamed reasoning (the OpenAI chat client drops `reasoning_content`). */
  reasoning: boolean;
}

const PROVIDERS: Provider[] = [
  {
    name: "openai chat",
    reasoning: false,
    model: (url) => createOpenAI({ baseURL: `${url}/v1`, apiKey: "k" }).chat("gpt-test"),
  },
  {
    name: "openai responses",
    reasoning: true,
    model: (url) => createOpenAI({ baseURL: `${url}/v1`, apiKey: "k" })("gpt-test"),
  },
  {
    name: "openai-compatible",
    reasoning: true,
    model: (url) =>
      createOpenAICompatible({ name: "compat", baseURL: `${url}/v1`, apiKey: "k", includeUsage: true })("compat-test"),
  },
  {
    name: "anthropic",
    reasoning: true,
    model: (url) => createAnthropic({ baseURL: `${url}/v1`, apiKey: "k" })("claude-sonnet-4-5"),
  },
  {
    name: "gemini",
    reasoning: true,
    model: (url) => createGoogleGenerativeAI({ baseURL: `${url}/v1beta`, apiKey: "k" })("gemini-test"),
  },
];

const tools = {
  read: tool({ description: "Read a file", inputSchema: z.object({ path: z.string() }) }),
  grep: tool({ description: "Search files", inputSchema: z.object({ pattern: z.string(), limit: z.number() }) }),
};

/** Streams one step and collects what an agent loop would see, including error parts. */
async function run(model: LanguageModel, prompt = "hello", abortSignal?: AbortSignal) {
  const errors: unknown[] = [];
  const result = streamText({ model, prompt, tools, maxRetries: 0, abortSignal, onError: () => {} });
  for await (const part of result.fullStream) if (part.type === "error") errors.push(part.error);
  if (errors.length > 0) return { errors, text: "", reasoning: "", toolCalls: [], usage: undefined };
  const [text, reasoning, toolCalls, usage] = await Promise.all([
    result.text,
    result.reasoningText,
    result.toolCalls,
    result.usage,
  ]);
  return { errors, text, reasoning: reasoning ?? "", toolCalls, usage };
}

for (const provider of PROVIDERS) {
  describe(`fake model through the AI SDK: ${provider.name}`, () => {
    let fake: FakeModel;
    before(async () => (fake = await startFakeModel()));
    after(() => fake.close());

    test("streams text and reasoning with usage", async () => {
      fake.push({
        items: [{ reasoning: "Let me think about it." }, { text: "Hello there, how are you today?" }],
        usage: { input: 42, output: 7 },
      });
      const out = await run(provider.model(fake.url));
      assert.deepEqual(out.errors, []);
      assert.equal(out.text, "Hello there, how are you today?");
      if (provider.reasoning) assert.equal(out.reasoning, "Let me think about it.");
      assert.equal(out.usage?.inputTokens, 42);
      assert.equal(out.usage?.outputTokens, 7);
      assert.equal(fake.requests.at(-1)?.stream, true);
      assert.deepEqual(fake.requests.at(-1)?.prompt.users, ["hello"]);
    });

    test("streams two parallel tool calls with parsed input", async () => {
      fake.push([
        { text: "Looking." },
        { tool: "read", input: { path: "src/index.ts" }, id: "call_a" },
        { tool: "grep", input: { pattern: "TODO(later)", limit: 5 }, id: "call_b" },
      ]);
      const out = await run(provider.model(fake.url));
      assert.deepEqual(out.errors, []);
      assert.equal(out.text, "Looking.");
      const calls = out.toolCalls.map(({ toolCallId, toolName, input }) => ({ toolCallId, toolName, input }));
      assert.deepEqual(calls, [
        { toolCallId: "call_a", toolName: "read", input: { path: "src/index.ts" } },
        { toolCallId: "call_b", toolName: "grep", input: { pattern: "TODO(later)", limit: 5 } },
      ]);
      assert.ok(fake.requests.at(-1)?.body, "the request body is recorded");
    });

    test("a scripted 429 surfaces as an APICallError with the status", async () => {
      fake.push({ error: { status: 429, headers: { "retry-after": "1" } } });
      const out = await run(provider.model(fake.url));
      const [error] = out.errors;
      assert.ok(APICallError.isInstance(error), `expected APICallError, got ${String(error)}`);
      assert.equal(error.statusCode, 429);
      assert.equal(error.isRetryable, true);
      assert.equal(error.responseHeaders?.["retry-after"], "1");
    });

    test("a tool loop sends the tool result back in the next request", async () => {
      fake.push([{ reasoning: "Need the file." }, { tool: "read", input: { path: "a.txt" } }], "The file says hi.");
      const read = tool({
        inputSchema: z.object({ path: z.string() }),
        execute: async ({ path }) => `contents of ${path}: RESULT-42`,
      });
      const result = streamText({
        model: provider.model(fake.url),
        prompt: "hello",
        tools: { read },
        stopWhen: stepCountIs(3),
        maxRetries: 0,
      });
      assert.equal(await result.text, "The file says hi.");
      assert.equal((await result.steps).length, 2);
      const followUp = fake.requests.at(-1)!;
      assert.match(JSON.stringify(followUp.body), /RESULT-42/);
      assert.deepEqual(followUp.prompt.users, ["hello"]);
    });

    test("answers non-streaming requests", async () => {
      fake.push([{ text: "Plain answer." }, { tool: "read", input: { path: "a.txt" }, id: "call_c" }]);
      const result = await generateText({ model: provider.model(fake.url), prompt: "hi", tools, maxRetries: 0 });
      assert.equal(result.text, "Plain answer.");
      assert.deepEqual(
        result.toolCalls.map((c) => [c.toolCallId, c.input]),
        [["call_c", { path: "a.txt" }]],
      );
      assert.equal(fake.requests.at(-1)?.stream, false);
    });
  });
}

describe("fake model scripting", () => {
  const openai = (fake: FakeModel) => createOpenAI({ baseURL: `${fake.url}/v1`, apiKey: "k" }).chat("gpt-test");

  test("turns are consumed in order across formats, then the script is exhausted", async () => {
    const fake = await startFakeModel(["first", "second"]);
    try {
      assert.equal((await run(PROVIDERS[3]!.model(fake.url))).text, "first");
      assert.equal((await run(PROVIDERS[4]!.model(fake.url))).text, "second");
      assert.equal((await run(openai(fake))).text, EXHAUSTED_TEXT);
      assert.deepEqual(
        fake.requests.map((r) => r.format),
        ["anthropic", "gemini", "openai-chat"],
      );
      assert.equal(fake.requests[1]?.model, "gemini-test");
      assert.ok((fake.requests[0]?.rawLength ?? 0) > 0);
      assert.equal(fake.requests[0]?.headers["x-api-key"], "k");
    } finally {
      await fake.close();
    }
  });

  test("a `match` turn waits for the request it matches", async () => {
    const summary: Turn = { match: { lastUserContains: "SUMMAR" }, items: [{ text: "the summary" }] };
    const fake = await startFakeModel([summary, "normal answer"]);
    try {
      assert.equal((await run(openai(fake), "do the work")).text, "normal answer");
      assert.equal((await run(openai(fake), "Please summarize the conversation")).text, "the summary");
      const byFunction: Turn = {
        match: (r: RecordedRequest) => r.prompt.system.includes("compactor"),
        items: [{ text: "compacted" }],
      };
      fake.push(byFunction);
      const result = await generateText({
        model: openai(fake),
        system: "You are the compactor.",
        prompt: "x",
        maxRetries: 0,
      });
      assert.equal(result.text, "compacted");
      assert.equal(fake.pending(), 0);
    } finally {
      await fake.close();
    }
  });

  test("a hanging turn streams its items and then waits until aborted", async () => {
    const fake = await startFakeModel([{ hang: true, items: [{ text: "partial" }] }]);
    try {
      const abort = new AbortController();
      const result = streamText({
        model: openai(fake),
        prompt: "x",
        maxRetries: 0,
        abortSignal: abort.signal,
        onError: () => {},
      });
      let seen = "";
      for await (const delta of result.textStream) {
        seen += delta;
        if (seen === "partial") abort.abort();
      }
      assert.equal(seen, "partial");
    } finally {
      await fake.close();
    }
  });

  test("delayMs delays the answer; 500 and 401 errors keep their status", async () => {
    const fake = await startFakeModel([
      { delayMs: 150, items: [{ text: "late" }] },
      { error: { status: 500 } },
      { error: { status: 401, body: { error: { message: "bad key" } } } },
    ]);
    try {
      const started = Date.now();
      assert.equal((await run(openai(fake))).text, "late");
      assert.ok(Date.now() - started >= 140);
      const [serverError] = (await run(openai(fake))).errors;
      assert.ok(APICallError.isInstance(serverError) && serverError.statusCode === 500);
      const [authError] = (await run(openai(fake))).errors;
      assert.ok(APICallError.isInstance(authError) && authError.statusCode === 401);
      assert.match(authError.message, /bad key/);
    } finally {
      await fake.close();
    }
  });

  test("onRequest and onAnswered see each request arrive and its answer end, a hanging one never ending", async () => {
    const seen: string[] = [];
    const fake = await startFakeModel(["streamed", { hang: true, items: [{ text: "partial" }] }], {
      onRequest: (request) => seen.push(`request ${fake.requests.indexOf(request)}`),
      onAnswered: (request) => seen.push(`answered ${fake.requests.indexOf(request)}`),
    });
    try {
      assert.equal((await run(openai(fake))).text, "streamed");
      assert.deepEqual(seen, ["request 0", "answered 0"]);
      const abort = new AbortController();
      const hanging = streamText({ model: openai(fake), prompt: "x", maxRetries: 0, abortSignal: abort.signal });
      for await (const delta of hanging.textStream) if (delta === "partial") abort.abort();
      assert.deepEqual(seen, ["request 0", "answered 0", "request 1"]);
    } finally {
      await fake.close();
    }
  });

  test("the shipped entry (dist/scripted-model.js, no tsx) serves a JSON script from its own process", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fake-model-"));
    const file = join(dir, "script.json");
    await writeFile(
      file,
      JSON.stringify([{ match: { lastUserContains: "summar" }, items: [{ text: "sum" }] }, [{ text: "from the cli" }]]),
    );
    const child = spawn(process.execPath, ["dist/scripted-model.js", file], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const { url } = JSON.parse((await lines.next()).value as string) as { url: string };
      const model = createOpenAI({ baseURL: `${url}/v1`, apiKey: "k" }).chat("gpt-test");
      assert.equal((await run(model, "hi")).text, "from the cli");
      assert.equal((await run(model, "summarize")).text, "sum");
      const logged = JSON.parse((await lines.next()).value as string) as { request: { format: string } };
      assert.equal(logged.request.format, "openai-chat");
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });
});
