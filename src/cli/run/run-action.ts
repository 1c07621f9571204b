// First: schemas built by the modules below must see the setting.
import "./zod-jitless.ts";
import { peersFromEnv } from "../../peers/directory.ts";
import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { prepareAgent } from "../../app/agent-factory.ts";
import { expandMentions } from "../../agent/mentions.ts";
import { withAttachments } from "../../agent/attachments.ts";
import { SessionRecorder } from "../../durable-logs/recorder.ts";
import { DeferredRecorder } from "../../durable-logs/deferred-recorder.ts";
import { onceRequestSent } from "../../provider/node-fetch.ts";
import { collectEarly } from "../../util/lean-start.ts";
import { isLiveEvent, type AgentEvent } from "../../contracts/agent-events.ts";
import { autoApproveAsk, type AutoApprove } from "../../permission/auto-approve.ts";
import { printJson } from "../output.ts";
import { createEventPrinter } from "./event-printer.ts";
import { readPrompt } from "./read-prompt.ts";
import { watchRunStops } from "./run-stops.ts";
import { parseSlashRun } from "../../relay/slash-args.ts";
import { runSlash } from "../okr/slash-run.ts";
import { printWarning } from "../output.ts";

/**
 * The longest a run's records wait for the durable logs to open when no request through nodeFetch opens them
 * (Bedrock's requests go through the global fetch; a connection may hang): a process killed meanwhile loses them.
 */
const OPEN_LOGS_AT_LATEST_MS = 500;

export interface RunOptions {
  config?: string;
  model?: string;
  continue?: boolean;
  session?: string;
  agent?: string;
  maxSteps?: number;
  autoApprove?: AutoApprove;
  json?: boolean;
  /** The approval gate of `/go` without a terminal. */
  approve?: boolean;
  deny?: boolean;
  /** Files attached with -f. */
  file?: string[];
}

/** `codetether run`: one task, streamed; exit 0 on success, 1 on failure, 130 when interrupted. */
export async function runAction(words: string[], options: RunOptions): Promise<void> {
  const { config } = loadConfig(options.config);
  const typed = await readPrompt(words);
  const slash = parseSlashRun(typed);
  if (slash) return runSlash(slash, options);
  const workspace = process.cwd();
  const text = await expandMentions(typed, workspace);
  const prompt = options.file?.length ? await withAttachments(text, options.file, workspace) : text;
  const dir = dataDir();
  // The run's own writer of the durable logs, opened once the first model request is out (its answer is
  // awaited meanwhile; ~40 ms in) or after OPEN_LOGS_AT_LATEST_MS, and flushed when the agent closes, then left
  // to the process exit: closing it would only checkpoint the logs' index databases (~50 ms of a one-shot run).
  const recorder = new DeferredRecorder(
    () => SessionRecorder.openOrWarn(dir, config, printWarning),
    OPEN_LOGS_AT_LATEST_MS,
  );
  onceRequestSent(() => {
    collectEarly();
    recorder.start();
  });
  const prepared = await prepareAgent({
    config,
    dataDir: dir,
    workspace,
    services: { peers: peersFromEnv(), recorder },
    modelRef: options.model,
    agent: options.agent,
    sessionId: options.session,
    continueLatest: options.continue,
    // Nobody is there to answer a permission prompt: --auto-approve decides what an `ask` becomes.
    ask: autoApproveAsk(options.autoApprove ?? "none"),
    onWarning: printWarning,
  });

  const resumeHint = () => {
    if (!options.json)
      process.stderr.write(
        `codetether: interrupted; resume with: codetether run --session ${prepared.session.id} "…"\n`,
      );
  };
  const stops = watchRunStops(() => {
    resumeHint();
    process.exit(130);
  });

  const print: (event: AgentEvent) => void = options.json ? printJson : createEventPrinter();
  const emit = (event: AgentEvent) => {
    if (!stops.outputClosed) print(event);
  };
  let exitCode = 1;
  let failure = "";
  try {
    for await (const event of prepared.run(prompt, {
      signal: stops.controller.signal,
      maxSteps: options.maxSteps ?? config.default.max_steps,
    })) {
      if (isLiveEvent(event)) emit(event);
      if (event.type === "error") failure = event.message;
      if (event.type === "finish") exitCode = event.reason === "stop" ? 0 : event.reason === "aborted" ? 130 : 1;
    }
  } finally {
    await prepared.close();
    stops.dispose();
  }
  // A new session whose run failed before any answer holds only the prompt: not worth listing or resuming.
  const { store, session } = prepared;
  if (exitCode === 1 && !prepared.resumed && !store.messages(session.id).some((m) => m.message.role === "assistant"))
    store.delete(session.id);
  if (!options.json && failure) process.stderr.write(`codetether: ${failure}\n`);
  if (exitCode === 130) resumeHint();
  process.exitCode = exitCode;
}
