import type { Config } from "../config/schema.ts";
import { SessionRecorder, type Recorder } from "../durable-logs/recorder.ts";
import type { Correlation } from "../durable-logs/agent-observer.ts";
import { mcpServers } from "../mcp/config.ts";
import { sandboxLauncher } from "../plugins/launcher.ts";
import { startPlugins } from "../plugins/start.ts";
import type { AskCallback, PermissionEngine } from "../permission/engine.ts";
import { createPermissionEngine } from "../permission/create-engine.ts";
import { resolveModel, type ResolvedModel } from "../provider/resolve.ts";
import { SessionStore, type SessionInfo } from "../session/store.ts";
import { loadSkills, offeredBuiltinTools } from "../tool/builtin-tools.ts";
import { LanguageServerPool } from "../lsp/manager.ts";
import { ToolError, type PermissionRequest, type Tool, type ToolHooks } from "../contracts/tool.ts";
import { baselineWasmOnly } from "../util/baseline-wasm.ts";
import { UserError } from "../contracts/errors.ts";
import type { AgentProfile } from "../agent/profiles/profile.ts";
import { profileTools, resolveProfile } from "../agent/profiles/resolve.ts";
import type { AgentOptions, AgentRunner, ResolveAgent } from "../agent/agent-options.ts";
import { compactSession, runAgent } from "../agent/run-agent.ts";
import type { BusHandle } from "../bus/bus-handle.ts";
import type { AgentRegistry } from "../bus/agent-registry.ts";
import type { AgentEvent } from "../contracts/agent-events.ts";
import type { UserContent } from "ai";
import { subscribeToRun } from "./run-subscribers.ts";
import { a2aTool } from "../peers/a2a-tool.ts";
import { swarmTools } from "../swarm/tools.ts";
import { ralphTools } from "../ralph/tools.ts";
import type { PeerDirectory } from "../peers/directory.ts";
import { buildSystemPrompt } from "../agent/system-prompt.ts";
import { Sandbox } from "../sandbox/runner.ts";
import { sandboxedLanguageServers } from "../sandbox/language-servers.ts";
import { rlmTool } from "../rlm/rlm-tool.ts";
import { extensionTools } from "../tool/extension-tools.ts";
import { bulkOutputRouter } from "../rlm/bulk-router.ts";
import { rlmConfig } from "../rlm/config.ts";
import { routerConfig } from "../router/config.ts";
import { LocalToolRouter } from "../router/tool-router.ts";

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
  /** What the process shares between the agents it assembles (serve's tasks, a worker's). */
  services?: AgentServices;
  /**
   * OKR and relay ids stamped on every event and audit record of the agent's runs; read at each record,
   * so an orchestrator may fill them in once they exist (a `/go` run is created after its draft).
   */
  correlation?: Correlation;
}

/**
 * The services a front end shares between the agents it assembles; each is optional: without a recorder
 * or language servers an agent opens its own and ends them with it.
 */
export interface AgentServices {
  /** The process's writer of the durable logs. */
  recorder?: Recorder;
  /** The language servers of the process (diagnostics after edits, the lsp tool). */
  languageServers?: LanguageServerPool;
  /** When given, the agent's events are mirrored on `agent.{id}.events` of this bus. */
  bus?: BusHandle;
  /** The peers the agent may hire: the `a2a` tool is offered only then (spawn's discovery, CODETETHER_A2A_PEERS). */
  peers?: PeerDirectory;
  /** Where a swarm's sub-agents appear (ephemeral cards) while they run: serve's /v1/agents. */
  registry?: AgentRegistry;
}

/** What a front end may change for one run (a TUI's /model, /agent or session switch, a per-task signal). */
export type RunOverrides = Partial<Omit<AgentOptions, "childRunner">>;

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
  /** Services for tools (the loaded config for [websearch]/[lsp], the sandbox for commands); front ends add e.g. `question` to a copy. */
  hooks: ToolHooks;
  /**
   * Runs the agent loop with this agent's setup. Every event of the run and of its sub-agents is recorded
   * to the durable event stream and audit trail (and mirrored on the bus when there is one) from the one
   * stream runAgent yields.
   */
  run(input: string | UserContent, overrides?: RunOverrides): AsyncGenerator<AgentEvent, void>;
  /** /compact: folds older turns into a summary now; the summary is stored and recorded like a run's. */
  compact(overrides?: RunOverrides): AsyncGenerator<AgentEvent, void>;
  /**
   * Stops this agent's MCP servers and plugins (and its language servers and recorder when it owns them)
   * and waits until the run's records are durable; call when the run ends.
   */
  close(): Promise<void>;
}

const NOT_SAVED = "nothing to continue: sessions are not saved ([session] auto_save = false)";

baselineWasmOnly();

/**
 * The one place an agent is assembled — session, profile, model, tools (with MCP), the permission engine,
 * prompt, durable recording — for every front end: run, TUI, serve, worker and sub-agents alike, so a
 * rule holds on all of them.
 */
export async function prepareAgent(options: PrepareOptions): Promise<PreparedAgent> {
  const started: Release[] = [];
  try {
    return await assembleAgent(options, started);
  } catch (error) {
    // A later step failed: stop the MCP servers and plugins already running (they would outlive a failed
    // run or serve task) and keep the records made so far (plugin refusals), newest first.
    for (const release of started.reverse()) await release().catch(() => {}); // the step's error is the one to report
    throw error;
  }
}

/** Undoes one step of a preparation: stops what it started. */
type Release = () => Promise<void>;

/** prepareAgent's steps; each that starts something pushes how to release it onto `started`. */
async function assembleAgent(options: PrepareOptions, started: Release[]): Promise<PreparedAgent> {
  const { config, workspace, services = {} } = options;
  // `[session] auto_save = false`: this process's sessions stay in memory; the event and audit logs still record them.
  const saved = config.session.auto_save;
  const store = SessionStore.open(options.dataDir, { save: saved });
  let session: SessionInfo | undefined;
  if (options.sessionId) {
    session = store.get(options.sessionId);
    if (!session && !options.newIfMissing)
      throw new UserError(
        saved ? `session not found: ${options.sessionId} (see: codetether sessions list)` : NOT_SAVED,
      );
  } else if (options.continueLatest) {
    session = store.latest(workspace);
    if (!session && !saved) throw new UserError(NOT_SAVED);
  }
  const profile = resolveProfile(options.agent ?? session?.agent ?? config.default.agent ?? "build", workspace);
  const model = await resolveModel(options.modelRef ?? session?.model ?? profile.model, config);
  const routing = rlmConfig(config);
  // The local tool-call router, when enabled: its model loads on the first answer it is asked about.
  const routerSettings = routerConfig(config);
  const router = routerSettings.enabled ? new LocalToolRouter(routerSettings, options.onWarning) : undefined;
  const resumed = Boolean(session);
  if (!session) {
    const created = store.create({ directory: workspace, model: model.ref, agent: profile.name });
    // A run that fails to start (an invalid [mcp] or [plugins] section) leaves no empty session behind.
    started.push(async () => void store.delete(created.id));
    session = created;
  }

  const mcp = mcpServers(config).length
    ? await (await import("../mcp/connections.ts")).connectMcp(config, workspace, options.onWarning)
    : undefined;
  if (mcp) started.push(mcp.close);
  // The durable logs never stop a run: when they cannot be opened the run goes on unrecorded.
  const ownRecorder = !services.recorder;
  const recorder =
    services.recorder ??
    (await SessionRecorder.openOrWarn(options.dataDir, config, (message) => options.onWarning?.(message)));
  if (recorder) started.push(() => (ownRecorder ? recorder.close() : recorder.flush()));
  const commands = new Sandbox({
    config,
    dataDir: options.dataDir,
    audit: recorder ? (input) => recorder.recordAudit(input) : undefined,
    onWarning: options.onWarning,
  });
  const sessionId = session.id;
  // Verified plugins only, each sandboxed with its declared capabilities; refusals are audited.
  const plugins = await startPlugins({
    config,
    workspace,
    launcher: sandboxLauncher(commands),
    audit: recorder ? (input) => recorder.recordAudit({ ...input, session_id: sessionId }) : undefined,
    onWarning: options.onWarning,
  });
  started.push(plugins.close);
  // The swarm tools run sub-agents through the agent assembled here (set when it is returned).
  let prepared: PreparedAgent | undefined;
  const ownTools = [
    ...offeredBuiltinTools(await loadSkills(workspace, options.onWarning), config),
    ...(services.peers ? [a2aTool(services.peers) as Tool] : []),
    rlmTool(() => model) as Tool,
    ...swarmTools(() => prepared!, services.bus, services.registry),
    // Ralph's story agents are assembled here too, as this one is (same profile, asks and services).
    ...ralphTools({
      bus: services.bus,
      createAgent: (dir) =>
        prepareAgent({ ...options, workspace: dir, sessionId: undefined, continueLatest: false, agent: profile.name }),
    }),
  ];
  const allTools = [
    ...ownTools,
    ...extensionTools(ownTools, [...(mcp?.tools ?? []), ...plugins.tools], options.onWarning),
  ];
  // What a profile decides: its tools, its prompt, and its permission rules on top of config.toml.
  const setupFor = (p: AgentProfile) => {
    const permissions = createPermissionEngine({
      config,
      dataDir: options.dataDir,
      workspace,
      profile: p,
      ask: options.ask,
    });
    return {
      tools: profileTools(p, allTools),
      system: buildSystemPrompt(workspace, p.prompt),
      permissions,
      authorize: permissions.authorize,
    };
  };
  let closed = false;
  const setup = setupFor(profile);
  const resolveAgent: ResolveAgent = (name) => {
    try {
      return setupFor(resolveProfile(name, workspace));
    } catch (error) {
      throw new ToolError((error as Error).message);
    }
  };
  const languageServers = services.languageServers ?? sandboxedLanguageServers(commands);
  const hooks: ToolHooks = { config, languageServers, commands };
  const subscribers = { observer: recorder?.observer(options.correlation), bus: services.bus };
  // Sub-agents started by the `task` tool come back through here, so their events reach the same subscribers.
  const observedRun: AgentRunner = (input, runOptions) =>
    subscribeToRun(runAgent(input, { ...runOptions, childRunner: observedRun }), runOptions.session.id, subscribers);
  const base = (overrides: RunOverrides): AgentOptions => ({
    store,
    session,
    model,
    tools: setup.tools,
    system: setup.system,
    authorize: setup.authorize,
    resolveAgent,
    workspace,
    dataDir: options.dataDir,
    maxSteps: config.default.max_steps,
    // Bulk tool outputs too large for the context go through RLM with the run's model.
    routeToolOutput: bulkOutputRouter(routing, () => overrides.model ?? model, options.onWarning),
    routeTextAnswer: router && ((answer) => router.route(answer)),
    ...overrides,
    hooks: { ...hooks, ...overrides.hooks },
  });
  prepared = {
    store,
    session,
    resumed,
    model,
    profile,
    ...setup,
    resolveAgent,
    hooks,
    run: (input, overrides = {}) => observedRun(input, base(overrides)),
    compact: (overrides = {}) => {
      const run = base(overrides);
      return subscribeToRun(compactSession(run), run.session.id, subscribers);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([mcp?.close(), plugins.close()]);
      if (!services.languageServers) languageServers.shutdown();
      await (ownRecorder ? recorder?.close() : recorder?.flush());
    },
  };
  return prepared;
}
