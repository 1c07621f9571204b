import { config as configureZod } from "zod";
import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { prepareAgent } from "../../agent/prepare.ts";
import { runAgent } from "../../agent/run-agent.ts";
import type { AgentEvent } from "../../agent/events.ts";
import { autoApproveAsk, type AutoApprove } from "../../permission/auto-approve.ts";
import { printJson } from "../output.ts";
import { createEventPrinter } from "./event-printer.ts";
import { readPrompt } from "./read-prompt.ts";

// One run parses each schema only a few times: zod's JIT would spend more compiling than it saves.
// (Long-lived front ends — serve, worker, TUI — parse the same schemas thousands of times and keep it.)
configureZod({ jitless: true });

export interface RunOptions {
  config?: string;
  model?: string;
  continue?: boolean;
  session?: string;
  agent?: string;
  maxSteps?: number;
  autoApprove?: AutoApprove;
  json?: boolean;
}

/** `codetether run`: one task, streamed; exit 0 on success, 1 on failure, 130 when interrupted. */
export async function runAction(words: string[], options: RunOptions): Promise<void> {
  const { config } = loadConfig(options.config);
  const prompt = await readPrompt(words);
  const workspace = process.cwd();
  const dir = dataDir();
  const prepared = await prepareAgent({
    config,
    dataDir: dir,
    workspace,
    modelRef: options.model,
    agent: options.agent,
    sessionId: options.session,
    continueLatest: options.continue,
    // Nobody is there to answer a permission prompt: --auto-approve decides what an `ask` becomes.
    ask: autoApproveAsk(options.autoApprove ?? "none"),
    onWarning: (message) => process.stderr.write(`codetether: warning: ${message}\n`),
  });

  const controller = new AbortController();
  let interrupts = 0;
  process.on("SIGINT", () => {
    if (++interrupts > 1) process.exit(130);
    controller.abort(new Error("interrupted"));
  });
  process.on("SIGTERM", () => controller.abort(new Error("terminated")));

  const emit: (event: AgentEvent) => void = options.json ? printJson : createEventPrinter();
  emit({ type: "session", sessionId: prepared.session.id, model: prepared.model.ref, resumed: prepared.resumed });
  let exitCode = 1;
  let failure = "";
  try {
    for await (const event of runAgent(prompt, {
      ...prepared,
      workspace,
      dataDir: dir,
      signal: controller.signal,
      maxSteps: options.maxSteps ?? config.default.max_steps,
    })) {
      emit(event);
      if (event.type === "error") failure = event.message;
      if (event.type === "finish") exitCode = event.reason === "stop" ? 0 : event.reason === "aborted" ? 130 : 1;
    }
  } finally {
    await prepared.close();
  }
  if (!options.json && failure) process.stderr.write(`codetether: ${failure}\n`);
  if (!options.json && exitCode === 130) process.stderr.write(`codetether: interrupted; resume with: codetether run --session ${prepared.session.id} "…"\n`);
  process.exitCode = exitCode;
}
