import { generateText } from "ai";
import { ToolError } from "../contracts/tool.ts";
import type { ResolvedModel } from "../provider/resolve.ts";
import { redactText } from "../util/redact.ts";
import { planChunks } from "./chunker.ts";
import type { ContentType } from "./content-type.ts";
import type { Corpus } from "./corpus.ts";
import { MAX_RESULT_CHARS } from "./explore-tools.ts";
import type { RlmMeter } from "./meter.ts";
import subQueryPrompt from "./prompt/sub-query.txt";

/** Sub-calls of one rlm_llm_query run at most this many at a time. */
const PARALLEL = 4;

export interface SubQueryOptions {
  model: ResolvedModel;
  corpus: Corpus;
  contentType: ContentType;
  /** The most tokens of content one sub-call reads. */
  chunkTokens: number;
  meter: RlmMeter;
}

/**
 * rlm_llm_query: the range is cut into chunks on its natural boundaries, each read by one sub-call of the
 * model with the question; the answers come back labelled with their lines. Refused, before any call, when
 * the range needs more sub-calls than the run has left.
 */
export async function subQuery(
  options: SubQueryOptions,
  query: string,
  start: number,
  end: number,
  signal: AbortSignal,
): Promise<string> {
  const { corpus, meter, chunkTokens } = options;
  const left = meter.subcallsLeft();
  if (left <= 0) {
    meter.limitHit("max_subcalls");
    throw new ToolError("no sub-calls left: answer with rlm_final from what you found");
  }
  // A first estimate from the bytes, so that a huge range is refused without scanning it.
  const estimate = Math.ceil(corpus.bytesOf(start, end) / 4 / chunkTokens);
  const chunks = estimate > left * 2 ? undefined : planChunks(corpus, options.contentType, chunkTokens, start, end);
  if (!chunks || chunks.length > left)
    throw new ToolError(
      `lines ${start}..${end} need ${chunks?.length ?? `about ${estimate}`} sub-calls of ≤${chunkTokens} tokens but only ${left} are left: narrow the range (rlm_grep, rlm_slice)`,
    );
  const answers = new Array<string>(chunks.length);
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const index = next++;
      const chunk = chunks[index]!;
      meter.countSubcall();
      // A single line longer than a chunk is cut; the content is redacted like every tool output.
      const text = redactText(
        corpus
          .lines(chunk.start, chunk.end)
          .join("\n")
          .slice(0, chunkTokens * 4),
      );
      const result = await generateText({
        model: options.model.language,
        system: subQueryPrompt,
        prompt: `Lines ${chunk.start}..${chunk.end - 1} of the content:\n<content>\n${text}\n</content>\n\nQuestion: ${query}`,
        abortSignal: signal,
        maxRetries: 2,
      });
      meter.addUsage(result.usage.inputTokens ?? 0, result.usage.outputTokens ?? 0);
      answers[index] = result.text.trim();
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, chunks.length) }, worker));
  const combined =
    chunks.length === 1
      ? answers[0]!
      : chunks.map((chunk, i) => `[lines ${chunk.start}..${chunk.end - 1}] ${answers[i]}`).join("\n\n");
  return combined.length > MAX_RESULT_CHARS ? `${combined.slice(0, MAX_RESULT_CHARS)}\n[answers cut]` : combined;
}
