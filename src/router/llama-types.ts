// The parts of node-llama-cpp's API the router uses, declared here because the package is an optional
// dependency that typechecking cannot count on (see tool-router.ts).

export interface LlamaGrammar {
  parse(text: string): unknown;
}

export interface LlamaContextSequence {
  dispose(): void;
}

export interface LlamaModel {
  fileInfo: { metadata: { general: { architecture: string } } };
  createContext(options: { contextSize: number; threads: number }): Promise<{ getSequence(): LlamaContextSequence }>;
}

export interface Llama {
  loadModel(options: { modelPath: string }): Promise<LlamaModel>;
  createGrammarForJsonSchema(schema: never): Promise<LlamaGrammar>;
}

export declare function getLlama(options: { gpu: false | "cuda" | "auto" }): Promise<Llama>;

export declare class LlamaCompletion {
  constructor(options: { contextSequence: LlamaContextSequence });
  generateCompletion(
    prompt: string,
    options: { grammar: LlamaGrammar; maxTokens: number; temperature: number; signal: AbortSignal },
  ): Promise<string>;
}
