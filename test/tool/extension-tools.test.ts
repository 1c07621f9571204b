import assert from "node:assert/strict";
import { test } from "node:test";
import type { Tool } from "../../src/contracts/tool.ts";
import { extensionTools } from "../../src/tool/extension-tools.ts";

const tool = (name: string, from = "builtin") => ({ name, description: from }) as unknown as Tool;

test("an MCP or plugin tool named like a tool that exists is left out with a warning; the first of two is kept", () => {
  const warnings: string[] = [];
  const kept = extensionTools(
    [tool("write_file"), tool("todo_write")],
    [
      tool("write_file", "plugin write"),
      tool("todo_write", "mcp todo"),
      tool("local_echo"),
      tool("local_echo", "again"),
    ],
    (message) => warnings.push(message),
  );
  assert.deepEqual(
    kept.map((t) => [t.name, t.description]),
    [["local_echo", "builtin"]],
  );
  assert.deepEqual(warnings, [
    "left out the MCP or plugin tool write_file: a tool of that name exists already",
    "left out the MCP or plugin tool todo_write: a tool of that name exists already",
    "left out the MCP or plugin tool local_echo: a tool of that name exists already",
  ]);
});
