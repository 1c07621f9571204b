import { statSync } from "node:fs";
import type { ToolOutput } from "../agent/agent-options.ts";
import type { ResolvedModel } from "../provider/resolve.ts";
import { openContent, type OpenedContent } from "./content-input.ts";
import { detectContentType } from "./content-type.ts";
import type { RlmConfig } from "./config.ts";
import { Corpus } from "./corpus.ts";
import { runRlm } from "./run-rlm.ts";
import { footnote } from "./rlm-tool.ts";

/** Tools whose output is bulk text to be read for its gist; exact-content tools (read_file, edit) never are. */
const BULK_TOOLS = new Set(["bash", "webfetch", "grep"]);

/**
 * The agent loop's routing of bulk tool outputs through RLM (AgentOptions.routeToolOutput): an output
 * over `threshold` × the context window (or, with mode always, any the tool cut) is explored by an RLM run
 * reading the whole output from its file, and the run's answer replaces the cut output. On any failure
 * the cut output stands (reported once through `onWarning`).
 */
export function bulkOutputRouter(
  config: RlmConfig,
  model: () => ResolvedModel,
  onWarning?: (message: string) => void,
): (output: ToolOutput) => Promise<string | undefined> {
  let warned = false;
  return async (out) => {
    if (config.mode === "off" || !BULK_TOOLS.has(out.tool)) return undefined;
    const bytes = out.fullOutputPath ? statSync(out.fullOutputPath).size : Buffer.byteLength(out.output);
    const overThreshold = bytes / 4 > config.threshold * out.contextWindow;
    if (!overThreshold && !(config.mode === "always" && out.fullOutputPath)) return undefined;
    try {
      return await summarise(out, bytes, model());
    } catch (error) {
      if (!warned)
        onWarning?.(`a large ${out.tool} output could not be summarised through RLM: ${(error as Error).message}`);
      warned = true;
      return undefined;
    }
  };
}

async function summarise(out: ToolOutput, bytes: number, model: ResolvedModel): Promise<string> {
  const opened = out.fullOutputPath
    ? openFile(out.tool, out.fullOutputPath)
    : await openContent({ text: out.output, cwd: "." });
  try {
    const contentType = detectContentType(opened.corpus);
    const result = await runRlm({
      model,
      corpus: opened.corpus,
      contentType,
      query: queryFor(out),
      signal: out.signal,
    });
    const where = out.fullOutputPath ? `; the full output is in ${out.fullOutputPath}` : "";
    return `[the ${out.tool} output (${bytes} bytes) was too large for the context: summarised through RLM${where}]\n${result.answer}\n${footnote(result)}`;
  } finally {
    opened.dispose();
  }
}

/** The tool's own file of its full output (kept: the agent may still read it). */
function openFile(name: string, path: string): OpenedContent {
  const corpus = Corpus.open([{ name, path }]);
  return { corpus, dispose: () => corpus.close() };
}

function queryFor(out: ToolOutput): string {
  const call = JSON.stringify(out.input);
  return [
    `This is the output of the agent's ${out.tool} call ${call.length > 400 ? `${call.slice(0, 400)}…` : call}.`,
    `The agent's task: ${out.task}`,
    "Report what in this output matters for that task: errors and failures with their messages and locations, warnings, file paths, counts, and the final status or result. Quote decisive lines exactly. Be concise.",
  ].join("\n");
}
