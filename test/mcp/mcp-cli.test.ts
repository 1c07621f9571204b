// `codetether mcp list` and MCP tool calls in `codetether run`, through the built CLI against real MCP
// servers (stdio and streamable HTTP) and the scripted fake model.
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, test } from "node:test";
import { fakeProviderToml, jsonLines, makeSandbox, runCli, type Sandbox } from "../support/cli.ts";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { mcpStdioCommand, startMcpHttpServer, type McpHttpServer } from "../support/mcp-server.ts";

let http: McpHttpServer;
let fake: FakeModel;
let sandbox: Sandbox;
const model = ["-m", "fake/fake-model"];

before(async () => (http = await startMcpHttpServer()));
after(() => http.close());
beforeEach(async () => {
  fake = await startFakeModel();
  sandbox = makeSandbox();
});
afterEach(async () => {
  await fake.close();
  sandbox.cleanup();
});

function stdioToml(name: string): string {
  const { command, args } = mcpStdioCommand();
  return `[mcp.${name}]\ncommand = ${JSON.stringify(command)}\nargs = ${JSON.stringify(args)}\n`;
}
const brokenToml = `[mcp.broken]\ncommand = "/nonexistent/mcp-server"\n`;

test("mcp list shows each server's status and tools", async () => {
  sandbox.writeConfig(
    `${stdioToml("local")}[mcp.remote]\nurl = "${http.url}"\n${brokenToml}[mcp.off]\nurl = "${http.url}"\nenabled = false\n`,
  );
  const r = await runCli(sandbox, ["mcp", "list", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const servers = JSON.parse(r.stdout) as Array<{
    name: string;
    status: string;
    transport: string;
    error?: string;
    tools: Array<{ name: string }>;
  }>;
  assert.deepEqual(
    servers.map((s) => [s.name, s.transport, s.status]),
    [
      ["local", "stdio", "connected"],
      ["remote", "http", "connected"],
      ["broken", "stdio", "failed"],
      ["off", "http", "disabled"],
    ],
  );
  assert.deepEqual(servers[0]!.tools.map((t) => t.name).sort(), [
    "local_add",
    "local_big",
    "local_echo",
    "local_fail",
    "local_sleep",
    "local_weird_name",
  ]);
  assert.match(servers[2]!.error!, /ENOENT/);

  const text = await runCli(sandbox, ["mcp", "list"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^local +stdio +connected \(6 tools\)/m);
  assert.match(text.stdout, /^ {2}remote_echo +Echo the text back$/m);
  assert.match(text.stdout, /^broken +stdio +failed: .*ENOENT/m);
  assert.match(text.stdout, /^off +http +disabled/m);
});

test("mcp list without servers says how to add one", async () => {
  const r = await runCli(sandbox, ["mcp", "list"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /no MCP servers configured \(add an \[mcp.<name>\] table to .*config\.toml\)/);
});

test("run: the model calls an MCP tool and gets its answer; a broken server is a warning", async () => {
  sandbox.writeConfig(`${fakeProviderToml(fake.url)}${stdioToml("local")}${brokenToml}`);
  fake.push([{ tool: "local_echo", input: { text: "ping" } }], "The server said echo: ping.");
  const r = await runCli(sandbox, ["run", "--json", ...model, "echo ping"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /codetether: warning: MCP server 'broken' skipped: .*ENOENT/);
  const sentTool = fake.requests[0]!.body.tools.find(
    (t: { function: { name: string } }) => t.function.name === "local_echo",
  );
  assert.deepEqual(sentTool.function.parameters.required, ["text"]);
  assert.match(JSON.stringify(fake.requests[1]!.body.messages.at(-1)), /echo: ping/);
  const completed = jsonLines(r.stdout).find((e) => e.type === "tool-completed");
  assert.equal(completed!.tool, "local_echo");
  assert.equal(jsonLines(r.stdout).at(-1)!.reason, "stop");
});

test("run: MCP tools obey permission globs", async () => {
  sandbox.writeConfig(
    `${fakeProviderToml(fake.url)}[permission]\n"remote_*" = "deny"\n[mcp.remote]\nurl = "${http.url}"\n`,
  );
  fake.push([{ tool: "remote_add", input: { a: 1, b: 2 } }], "Not allowed.");
  const r = await runCli(sandbox, ["run", ...model, "add"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    JSON.stringify(fake.requests[1]!.body.messages.at(-1)),
    /permission denied: remote_add on .*remote_\* \\"\*\\" = deny/,
  );
});
