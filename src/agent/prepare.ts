import type { Config } from "../config/schema.ts";
import { resolveModel, type ResolvedModel } from "../provider/resolve.ts";
import { SessionStore, type SessionInfo } from "../session/store.ts";
import { builtinTools } from "../tool/builtin-tools.ts";
import type { Tool } from "../tool/tool.ts";
import { UserError } from "../util/errors.ts";
import { buildSystemPrompt } from "./system-prompt.ts";

export interface PrepareOptions {
  config: Config;
  dataDir: string;
  workspace: string;
  modelRef?: string;
  agent?: string;
  /** Continue this session id. */
  sessionId?: string;
  /** Continue the latest session of the workspace (a new one when there is none). */
  continueLatest?: boolean;
}

export interface PreparedAgent {
  store: SessionStore;
  session: SessionInfo;
  resumed: boolean;
  model: ResolvedModel;
  tools: Tool[];
  system: string;
}

/** Everything a front end needs before calling runAgent: model, session (new or resumed), tools, prompt. */
export async function prepareAgent(options: PrepareOptions): Promise<PreparedAgent> {
  const store = SessionStore.open(options.dataDir);
  let session: SessionInfo | undefined;
  if (options.sessionId) {
    session = store.get(options.sessionId);
    if (!session) throw new UserError(`session not found: ${options.sessionId} (see: codetether sessions list)`);
  } else if (options.continueLatest) {
    session = store.latest(options.workspace);
  }
  const model = await resolveModel(options.modelRef ?? (session && !options.modelRef ? session.model : undefined), options.config);
  const agent = options.agent ?? session?.agent ?? "build";
  const resumed = Boolean(session);
  session ??= store.create({ directory: options.workspace, model: model.ref, agent });
  return { store, session, resumed, model, tools: builtinTools(), system: buildSystemPrompt(options.workspace) };
}
