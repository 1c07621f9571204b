import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { AgentOptions } from "../../src/agent/agent-options.ts";
import { runAgent } from "../../src/agent/run-agent.ts";
import type { AgentEvent } from "../../src/contracts/agent-events.ts";
import { describesToolCall } from "../../src/router/tool-router.ts";
import { routerConfig } from "../../src/router/config.ts";
import { configSchema } from "../../src/config/schema.ts";
import { SessionStore } from "../../src/session/store.ts";
import { readFileTool } from "../../src/tool/builtin/read-file.ts";
import { jsonLines, runCli, useFakeModelSandbox } from "../support/cli.ts";
import { scriptedModel, type ScriptedTurn } from "../support/scripted-language-model.ts";

const root = mkdtempSync(join(tmpdir(), "codetether-router-"));
const workspace = join(root, "workspace");
mkdirSync(workspace);
writeFileSync(join(workspace, "a.txt"), "hello from a");
const store = SessionStore.open(join(root, "data"));
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs the loop in process with read_file and the given router; returns the events and the model's calls. */
async function runWithRouter(script: ScriptedTurn[], routeTextAnswer: AgentOptions["routeTextAnswer"]) {
  const model = scriptedModel({ script });
  const session = store.create({ directory: workspace, model: model.resolved.ref, agent: "build" });
  const events: AgentEvent[] = [];
  const options: AgentOptions = {
    store,
    session,
    model: model.resolved,
    tools: [readFileTool],
    system: "test",
    workspace,
    dataDir: join(root, "data"),
    routeTextAnswer,
  };
  for await (const event of runAgent("read a.txt", options)) events.push(event);
  return { events, calls: model.calls };
}

test("describesToolCall: a text naming an offered tool as a word", () => {
  assert.ok(describesToolCall("I will call read_file on a.txt", ["read_file", "bash"]));
  assert.ok(describesToolCall("Running `bash` with ls", ["read_file", "bash"]));
  assert.ok(!describesToolCall("The file was read already.", ["read_file", "bash"]));
  assert.ok(!describesToolCall("a bashful answer", ["bash"]));
});

test("a text answer the router turns into a call runs that call like the model's own, then the loop goes on", async () => {
  const asked: string[] = [];
  const { events, calls } = await runWithRouter(["I'll call read_file on a.txt.", "It says hello."], async (answer) => {
    asked.push(answer.text);
    assert.deepEqual(
      answer.tools.map((t) => t.name),
      ["read_file"],
    );
    return answer.text.includes("read_file") ? { tool: "read_file", input: { path: "a.txt" } } : undefined;
  });
  assert.deepEqual(asked, ["I'll call read_file on a.txt.", "It says hello."]);
  const completed = events.find((e) => e.type === "tool-completed");
  assert.ok(completed && completed.type === "tool-completed" && completed.tool === "read_file");
  assert.match(completed.output, /hello from a/);
  // The second model call sees the routed call and its result, paired.
  assert.equal(calls[1]!.toolResults.length, 1);
  assert.equal(calls[1]!.toolResults[0]!.toolName, "read_file");
  assert.match(JSON.stringify(calls[1]!.toolResults[0]!.output), /hello from a/);
  const finish = events.at(-1)!;
  assert.ok(finish.type === "finish" && finish.reason === "stop" && finish.text === "It says hello.");
});

test("the router is never asked when the model made tool calls itself", async () => {
  let asked = 0;
  const { events } = await runWithRouter(
    [[{ text: "Using read_file." }, { tool: "read_file", input: { path: "a.txt" } }], "done"],
    async () => {
      asked++;
      return undefined;
    },
  );
  assert.equal(asked, 1, "only the final text answer is offered");
  assert.equal(events.filter((e) => e.type === "tool-completed").length, 1);
});

test("[router] and CODETETHER_TOOL_ROUTER_* settings: defaults, environment over config, bad values", () => {
  const config = configSchema.parse({ router: { model_path: "/m/router.gguf", max_tokens: 128 } });
  assert.deepEqual(routerConfig(config, {}), {
    enabled: false,
    model_path: "/m/router.gguf",
    device: "auto",
    max_tokens: 128,
    temperature: 0.1,
  });
  const env = {
    CODETETHER_TOOL_ROUTER_ENABLED: "true",
    CODETETHER_TOOL_ROUTER_MAX_TOKENS: "64",
    CODETETHER_TOOL_ROUTER_DEVICE: "cpu",
    CODETETHER_TOOL_ROUTER_ARCH: "gemma3",
  };
  assert.deepEqual(routerConfig(config, env), {
    enabled: true,
    model_path: "/m/router.gguf",
    device: "cpu",
    max_tokens: 64,
    temperature: 0.1,
    arch: "gemma3",
  });
  assert.throws(() => routerConfig(config, { CODETETHER_TOOL_ROUTER_DEVICE: "gpu" }), /tool router settings.*device/);
});

describeCli();

function describeCli() {
  const t = useFakeModelSandbox({ configure: true });
  const run = ["run", "--json", "-m", "fake/fake-model"];

  test("enabled without a usable model or package: the text answer passes through unchanged, warned once", async () => {
    t.fake.push("I will call read_file on a.txt to see it.");
    let r = await runCli(t.sandbox, [...run, "look"], { env: { CODETETHER_TOOL_ROUTER_ENABLED: "1" } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(jsonLines(r.stdout).at(-1)!.text, "I will call read_file on a.txt to see it.");
    assert.equal(
      r.stderr,
      "codetether: warning: the tool router passed an answer through: no model: set CODETETHER_TOOL_ROUTER_MODEL_PATH (a .gguf file)\n",
    );

    writeFileSync(join(t.sandbox.root, "router.gguf"), "GGUF");
    t.fake.push("Next I use bash to list files.");
    r = await runCli(t.sandbox, [...run, "look"], {
      env: {
        CODETETHER_TOOL_ROUTER_ENABLED: "1",
        CODETETHER_TOOL_ROUTER_MODEL_PATH: join(t.sandbox.root, "router.gguf"),
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(jsonLines(r.stdout).at(-1)!.text, "Next I use bash to list files.");
    assert.match(r.stderr, /node-llama-cpp is not installed|router model/);
    assert.equal(r.stderr.trim().split("\n").length, 1);
  });

  test("disabled (the default) or when the model calls tools, the router stays silent; a bad setting is one line", async () => {
    t.fake.push("I will call read_file on a.txt.");
    let r = await runCli(t.sandbox, [...run, "look"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    writeFileSync(join(t.sandbox.workspace, "a.txt"), "x");
    t.fake.push([{ text: "Calling read_file." }, { tool: "read_file", input: { path: "a.txt" } }], "done");
    r = await runCli(t.sandbox, [...run, "look"], { env: { CODETETHER_TOOL_ROUTER_ENABLED: "1" } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "", "the router was not asked about a step with tool calls");
    r = await runCli(t.sandbox, [...run, "look"], { env: { CODETETHER_TOOL_ROUTER_TEMPERATURE: "hot" } });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^codetether: tool router settings \(\[router\] or CODETETHER_TOOL_ROUTER_\*\): .*temperature/,
    );
    assert.equal(r.stderr.trim().split("\n").length, 1);
  });
}
