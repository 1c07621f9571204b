import { loadConfig } from "../../config/load.ts";
import { UserError } from "../../contracts/errors.ts";
import { resolveModel } from "../../provider/resolve.ts";
import { openContent } from "../../rlm/content-input.ts";
import { detectContentType, type ContentType } from "../../rlm/content-type.ts";
import { runRlm, type RlmResult } from "../../rlm/run-rlm.ts";
import { routerConfig } from "../../router/config.ts";
import { LocalToolRouter } from "../../router/tool-router.ts";
import { painter, printJson } from "../output.ts";
import { printWarning } from "../output.ts";

export interface RlmCliOptions {
  config?: string;
  file: string[];
  content?: string;
  contentType: "auto" | ContentType;
  model?: string;
  maxTokens: number;
  maxIterations: number;
  maxSubcalls: number;
  json?: boolean;
  verbose?: boolean;
}

/** `codetether rlm QUERY`: exit 0 with an answer, 1 when a limit stopped the run (its partial answer printed). */
export async function rlmAction(query: string, options: RlmCliOptions): Promise<void> {
  if (!query.trim()) throw new UserError('no question given: codetether rlm "your question" -f FILE', 2);
  const { config } = loadConfig(options.config);
  const routing = routerConfig(config);
  // Ctrl+C or SIGTERM ends the process through exit, which removes the temporary copy of the content.
  const onSignal = (signal: NodeJS.Signals) => process.exit(signal === "SIGINT" ? 130 : 143);
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  // Piped input with neither -f nor --content is the content, as `--content -` would make it.
  const fromStdin =
    options.content === "-" || (options.content === undefined && !options.file.length && !process.stdin.isTTY);
  const content = await openContent({
    files: options.file,
    text: options.content !== undefined && options.content !== "-" ? options.content : undefined,
    stream: fromStdin ? process.stdin : undefined,
    cwd: process.cwd(),
  });
  const paint = painter(process.stderr);
  const log = (line: string) => process.stderr.write(`${paint("dim", line)}\n`);
  // Without -v, a terminal still sees which step the exploration is at (one line, rewritten).
  const progress = !options.verbose && Boolean(process.stderr.isTTY);
  const router = routing.enabled ? new LocalToolRouter(routing, printWarning) : undefined;
  try {
    const model = await resolveModel(options.model, config);
    const { corpus } = content;
    const contentType = options.contentType === "auto" ? detectContentType(corpus) : options.contentType;
    if (options.verbose)
      log(`[rlm] ${corpus.lineCount} lines, ${corpus.bytes} bytes, ${contentType}; model ${model.ref}`);
    const result = await runRlm({
      model,
      corpus,
      contentType,
      query,
      chunkTokens: options.maxTokens,
      maxIterations: options.maxIterations,
      maxSubcalls: options.maxSubcalls,
      routeTextAnswer: router && ((answer) => router.route(answer)),
      onToolCall: options.verbose
        ? (call) =>
            log(
              `[rlm] #${call.iteration} ${call.tool} ${JSON.stringify(call.input)} → ${summary(call.output, call.ok)}`,
            )
        : progress
          ? (call) => process.stderr.write(`\r\u001b[K${paint("dim", `[rlm] step ${call.iteration}: ${call.tool}`)}`)
          : undefined,
    });
    if (progress) process.stderr.write("\r\u001b[K");
    if (options.json) printJson(jsonOf(result, contentType, corpus.bytes));
    else process.stdout.write(`${result.answer}\n`);
    if (!result.complete) {
      if (!options.json)
        process.stderr.write(
          `codetether: stopped at the ${result.limit} limit; the answer above is the best partial one\n`,
        );
      process.exitCode = 1;
    }
  } finally {
    content.dispose();
  }
}

/** The `--json` document (snake_case like every JSON output of the CLI). */
function jsonOf(result: RlmResult, contentType: ContentType, contentBytes: number) {
  return {
    answer: result.answer,
    complete: result.complete,
    ...(result.limit ? { limit: result.limit } : {}),
    iterations: result.iterations,
    sub_queries: result.subQueries,
    content_type: contentType,
    content_bytes: contentBytes,
    stats: {
      input_tokens: result.stats.inputTokens,
      output_tokens: result.stats.outputTokens,
      elapsed_ms: result.stats.elapsedMs,
      cost_usd: result.stats.costUsd ?? null,
    },
  };
}

/** One line about a tool's result for -v. */
function summary(output: string, ok: boolean): string {
  const first = output.split("\n")[0] ?? "";
  const lines = output.split("\n").length;
  const head = first.length > 80 ? `${first.slice(0, 80)}…` : first;
  return ok ? `${head}${lines > 1 ? ` (+${lines - 1} lines)` : ""}` : `error: ${head}`;
}
