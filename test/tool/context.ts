// A ToolContext over a fresh temp workspace and data dir (removed when the test file ends).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after } from "node:test";
import { builtinTools } from "../../src/tool/builtin-tools.ts";
import { runTool } from "../../src/tool/invoke.ts";
import { configSchema } from "../../src/config/schema.ts";
import { Sandbox } from "../../src/sandbox/runner.ts";
import type { Tool, ToolContext } from "../../src/contracts/tool.ts";

export interface TestWorld {
  workspace: string;
  ctx: ToolContext;
  /** Writes files relative to the workspace. */
  write(files: Record<string, string>): void;
  /** Runs a tool by name with validated arguments, as the agent loop would. */
  call(name: string, args: unknown, ctx?: Partial<ToolContext>): Promise<string>;
}

export function testWorld(overrides: Partial<ToolContext> = {}): TestWorld {
  const root = mkdtempSync(join(tmpdir(), "codetether-tool-"));
  after(() => rmSync(root, { recursive: true, force: true }));
  const workspace = join(root, "ws");
  mkdirSync(workspace);
  const tools = new Map<string, Tool>(builtinTools().map((t) => [t.name, t]));
  // No language server unless a test asks for one (test/lsp does): edits stay fast.
  const config = configSchema.parse({ lsp: { typescript: { enabled: false } } });
  const ctx: ToolContext = {
    workspace,
    sessionId: "ses_test",
    callId: "call_1",
    signal: new AbortController().signal,
    outputDir: join(root, "data", "tool-output"),
    dataDir: join(root, "data"),
    authorize: async () => {},
    config,
    commands: new Sandbox({ config, dataDir: join(root, "data") }),
    planMode: { active: false },
    tools,
    ...overrides,
  };
  return {
    workspace,
    ctx,
    write(files) {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(workspace, path)), { recursive: true });
        writeFileSync(join(workspace, path), text);
      }
    },
    async call(name, args, extra = {}) {
      const tool = tools.get(name);
      if (!tool) throw new Error(`no tool ${name}`);
      const result = await runTool(tool, tool.parameters.parse(args), { ...ctx, ...extra });
      return result.output;
    },
  };
}
