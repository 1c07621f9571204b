import type { Config } from "../config/schema.ts";
import { processRecorder } from "../events/recorder.ts";
import { mcpServers } from "../mcp/config.ts";
import type { AskCallback, PermissionEngine } from "../permission/engine.ts";
import { createPermissionEngine } from "../permission/create-engine.ts";
import { resolveModel, type ResolvedModel } from "../provider/resolve.ts";
import { SessionStore, type SessionInfo } from "../session/store.ts";
import { builtinTools, loadSkills } from "../tool/builtin-tools.ts";
import { shutdownLanguageServers } from "../lsp/manager.ts";
import { ToolError, type PermissionRequest, type Tool, type ToolHooks } from "../tool/tool.ts";
import { baselineWasmOnly } from "../util/baseline-wasm.ts";
import { UserError } from "../util/errors.ts";
import type { AgentProfile } from "./profiles/profile.ts";
import { profileTools, resolveProfile } from "./profiles/resolve.ts";
import type { AgentObserver } from "./run-agent.ts";
import type { ResolveAgent } from "./sub-agent.ts";
import { buildSystemPrompt } from "./system-prompt.ts";

export interface PrepareOptions {
  config: Config;
  dataDir: string;
  workspace: string;
  modelRef?: string;
  /** Agent profile name; else the resumed session's, else `[default] agent`, else `build`. */
  agent?: string;
  /** Continue this session id. */
  sessionId?: string;
  /** A `sessionId` that no longer exists starts a new session instead of failing (A2A contexts, workers). */
  newIfMissing?: boolean;
  /** Continue the latest session of the workspace (a new one when there is none). */
  continueLatest?: boolean;
  /** Answers permission asks (a TUI prompt, A2A input-required, run's --auto-approve); without it asks are refused. */
  ask?: AskCallback;
  /** Where MCP servers that fail to start are reported; they are skipped, never fatal. */
  onWarning?: (message: string) => void;
}

export interface PreparedAgent {
  store: SessionStore;
  session: SessionInfo;
  resumed: boolean;
  model: ResolvedModel;
  profile: AgentProfile;
  tools: Tool[];
  system: string;
  permissions: PermissionEngine;
  /** The permission gate to give runAgent. */
  authorize: (request: PermissionRequest) => Promise<void>;
  /** The `task` tool's sub-agent profiles: their tools, prompt and permissions. */
  resolveAgent: ResolveAgent;
  /** Appends the run's events, messages and tool executions to the durable event stream and audit trail. */
  observer?: AgentObserver;
  /** Services for tools (the loaded config for [websearch]/[lsp]); front ends add e.g. `question` to a copy. */
  hooks: ToolHooks;
  /**
   * Stops this agent's MCP servers and waits until the run's records are durable; call when the run
   * ends. Language servers are shared by the process's agents and stop when the last one closes.
   */
  close(): Promise<void>;
}

let openAgents = 0;

baselineWasmOnly();

/** Everything a front end needs before calling runAgent: session, profile, model, tools (with MCP), permissions, prompt. */
export async function prepareAgent(options: PrepareOptions): Promise<PreparedAgent> {
  const { config, workspace } = options;
  const store = SessionStore.open(options.dataDir);
  let session: SessionInfo | undefined;
  if (options.sessionId) {
    session = store.get(options.sessionId);
    if (!session && !options.newIfMissing) throw new UserError(`session not found: ${options.sessionId} (see: codetether sessions list)`);
  } else if (options.continueLatest) {
    session = store.latest(workspace);
  }
  const profile = resolveProfile(options.agent ?? session?.agent ?? config.default.agent ?? "build", workspace);
  const model = await resolveModel(options.modelRef ?? session?.model ?? profile.model, config);
  const resumed = Boolean(session);
  session ??= store.create({ directory: workspace, model: model.ref, agent: profile.name });

  const mcp = mcpServers(config).length ? await (await import("../mcp/connections.ts")).connectMcp(config, workspace, options.onWarning) : undefined;
  const allTools = [...builtinTools(await loadSkills(workspace)), ...(mcp?.tools ?? [])];
  // What a profile decides: its tools, its prompt, and its permission rules on top of config.toml.
  const setupFor = (p: AgentProfile) => {
    const permissions = createPermissionEngine({ config, dataDir: options.dataDir, workspace, profile: p, ask: options.ask });
    return { tools: profileTools(p, allTools), system: buildSystemPrompt(workspace, p.prompt), permissions, authorize: permissions.authorize };
  };
  // The durable logs never stop a run: when they cannot be opened the run goes on unrecorded.
  const recorder = await processRecorder(options.dataDir).catch((error: unknown) => {
    options.onWarning?.(`event log unavailable: ${(error as Error).message}`);
  });
  openAgents++;
  let closed = false;
  return {
    store,
    session,
    resumed,
    model,
    profile,
    ...setupFor(profile),
    resolveAgent: (name) => {
      try {
        return setupFor(resolveProfile(name, workspace));
      } catch (error) {
        throw new ToolError((error as Error).message);
      }
    },
    observer: recorder?.observer(),
    hooks: { config },
    close: async () => {
      if (closed) return;
      closed = true;
      await mcp?.close();
      if (--openAgents === 0) await shutdownLanguageServers();
      await recorder?.flush();
    },
  };
}
