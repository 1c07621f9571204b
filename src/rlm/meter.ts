import { costOf, type ModelInfo } from "../provider/catalog.ts";

export type RlmLimit = "max_iterations" | "max_subcalls";

/** What an RLM run has spent: model steps, sub-calls, tokens and cost, and which limit it ran into. */
export class RlmMeter {
  iterations = 0;
  subcalls = 0;
  inputTokens = 0;
  outputTokens = 0;
  /** Undefined while no call had a known price. */
  costUsd: number | undefined;
  limit: RlmLimit | undefined;
  private readonly started = Date.now();

  constructor(
    private readonly model: ModelInfo | undefined,
    readonly maxSubcalls: number,
  ) {}

  addUsage(inputTokens: number, outputTokens: number): void {
    this.inputTokens += inputTokens;
    this.outputTokens += outputTokens;
    const cost = costOf(this.model, inputTokens, outputTokens);
    if (cost !== undefined) this.costUsd = (this.costUsd ?? 0) + cost;
  }

  subcallsLeft(): number {
    return this.maxSubcalls - this.subcalls;
  }

  countSubcall(): void {
    this.subcalls++;
  }

  limitHit(limit: RlmLimit): void {
    this.limit ??= limit;
  }

  elapsedMs(): number {
    return Date.now() - this.started;
  }
}
