import { availableParallelism } from "node:os";
import type { Tool } from "../contracts/tool.ts";
import { compactInputSchema } from "../tool/tool-schema.ts";
import type { RouterConfig } from "./config.ts";

/** A structured call the router made of a text answer. */
export interface RoutedCall {
  tool: string;
  input: Record<string, unknown>;
}

/** A text-only answer given although tools were offered. */
export interface TextAnswer {
  text: string;
  tools: Tool[];
  signal: AbortSignal;
}

/** The longest one routing may take before the original answer passes through. */
const ROUTE_TIMEOUT_MS = 30_000;
/**
 * The package is an optional dependency (hundreds of MB with its prebuilt binaries): it is imported by a name
 * held in a variable, so the bundler leaves it out, and only when the router is enabled.
 */
const LLAMA_PACKAGE = "node-llama-cpp";

/** Whether the text seems to describe a call of one of the tools (names one, or has a call's shape). */
export function describesToolCall(text: string, names: string[]): boolean {
  const lower = text.toLowerCase();
  return names.some((name) => {
    const index = lower.indexOf(name.toLowerCase());
    if (index < 0) return false;
    const before = lower[index - 1] ?? " ";
    const after = lower[index + name.length] ?? " ";
    return !/[a-z0-9_]/.test(before) && !/[a-z0-9_]/.test(after);
  });
}

interface Engine {
  /** One grammar-constrained completion; the JSON it produced, parsed. */
  complete(prompt: string, schema: Record<string, unknown>, signal: AbortSignal): Promise<unknown>;
}

/**
 * The local tool-call router: when the main model answers in prose that names an offered tool, a small
 * local model (GGUF through node-llama-cpp) writes the call as JSON constrained by the tools' schemas —
 * first which tool, then its arguments. It never throws: on a missing package or model, an error or a
 * timeout the answer passes through unchanged (`route` resolves undefined), reported once.
 */
export class LocalToolRouter {
  private engine: Promise<Engine> | undefined;
  private warned = false;
  /** One generation at a time: the model has one context sequence. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: RouterConfig,
    private readonly onWarning?: (message: string) => void,
    private readonly timeoutMs = ROUTE_TIMEOUT_MS,
  ) {}

  route(answer: TextAnswer): Promise<RoutedCall | undefined> {
    const names = answer.tools.map((t) => t.name);
    if (!answer.text.trim() || !names.length || !describesToolCall(answer.text, names))
      return Promise.resolve(undefined);
    // The timeout also stops the generation, and the queue waits for the generation itself (not for the
    // caller's timeout): a slow call never shares the model's one context sequence with the next.
    const previous = this.queue;
    const work = previous.then(() =>
      this.routeNow({ ...answer, signal: AbortSignal.any([answer.signal, AbortSignal.timeout(this.timeoutMs)]) }),
    );
    this.queue = work.catch(() => {});
    const run = previous.then(() => withTimeout(work, this.timeoutMs, answer.signal));
    return run.catch((error: unknown) => {
      this.warnOnce(`the tool router passed an answer through: ${(error as Error)?.message ?? String(error)}`);
      return undefined;
    });
  }

  private async routeNow({ text, tools, signal }: TextAnswer): Promise<RoutedCall> {
    const engine = await (this.engine ??= this.load());
    const catalog = tools.map((t) => `- ${t.name}: ${t.description.trim().split("\n")[0]}`).join("\n");
    const intro = `Tools:\n${catalog}\n\nAn assistant answered:\n${text.trim()}\n\n`;
    const choice = (await engine.complete(
      `${intro}The tool the answer means to call, as JSON:\n`,
      { type: "object", properties: { tool: { enum: tools.map((t) => t.name) } } },
      signal,
    )) as { tool: string };
    const tool = tools.find((t) => t.name === choice.tool)!;
    const input = (await engine.complete(
      `${intro}The arguments of its ${tool.name} call, as JSON:\n`,
      compactInputSchema(tool),
      signal,
    )) as Record<string, unknown>;
    return { tool: tool.name, input };
  }

  private async load(): Promise<Engine> {
    const { model_path: modelPath, tokenizer_path: tokenizerPath, device, arch } = this.config;
    if (!modelPath) throw new Error("no model: set CODETETHER_TOOL_ROUTER_MODEL_PATH (a .gguf file)");
    if (tokenizerPath)
      this.warnOnce("CODETETHER_TOOL_ROUTER_TOKENIZER_PATH is ignored: a GGUF file carries its tokenizer");
    const name = LLAMA_PACKAGE;
    const llamaCpp = (await import(name).catch(() => {
      throw new Error(`${LLAMA_PACKAGE} is not installed (npm install ${LLAMA_PACKAGE}@3.21.1 beside codetether)`);
    })) as typeof import("./llama-types.ts");
    const llama = await llamaCpp.getLlama({ gpu: device === "cpu" ? false : device === "cuda" ? "cuda" : "auto" });
    const model = await llama.loadModel({ modelPath });
    const found = model.fileInfo.metadata.general.architecture;
    if (arch && found !== arch) throw new Error(`the router model is a ${found} model, not ${arch}`);
    // Few threads: llama.cpp's threads spin while they wait, and on a busy machine more of them are slower.
    const context = await model.createContext({
      contextSize: 2048,
      threads: Math.min(4, Math.max(1, availableParallelism() - 1)),
    });
    const { max_tokens: maxTokens, temperature } = this.config;
    return {
      async complete(prompt, schema, signal) {
        const grammar = await llama.createGrammarForJsonSchema(schema as never);
        const sequence = context.getSequence();
        try {
          const completion = new llamaCpp.LlamaCompletion({ contextSequence: sequence });
          const output = await completion.generateCompletion(prompt, { grammar, maxTokens, temperature, signal });
          return grammar.parse(output);
        } finally {
          sequence.dispose();
        }
      },
    };
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.onWarning?.(message);
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no call within ${ms / 1000} s`)), ms);
    const onAbort = () => reject(new Error("interrupted"));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    });
  });
}
