import type {
  LanguageModelV3,
  LanguageModelV3FunctionTool,
  LanguageModelV3StreamPart,
  SharedV3ProviderMetadata,
} from "@ai-sdk/provider";
import { safeParseJSON } from "@ai-sdk/provider-utils";
import {
  InvalidToolInputError,
  jsonSchema,
  NoSuchToolError,
  tool as aiTool,
  type AssistantContent,
  type AssistantModelMessage,
  type LanguageModel,
  type ModelMessage,
  type ToolSet,
} from "ai";
import { convertToLanguageModelPrompt } from "ai/internal";
import type { Tool } from "../contracts/tool.ts";
import { compactInputSchema } from "../tool/tool-schema.ts";
import type { AgentEvent } from "../contracts/agent-events.ts";
import type { PendingCall } from "./tool-runner.ts";

export interface StepOutcome {
  text: string;
  calls: PendingCall[];
  /** The assistant message(s) of this step, in ModelMessage form, to store and send back. */
  messages: ModelMessage[];
  inputTokens: number;
  outputTokens: number;
  /** Whether anything was streamed to the caller (a retry after that would duplicate output). */
  emitted: boolean;
}

/** Declarations by tool: most tools are module constants, so a server builds each declaration once, not per task. */
const declarations = new WeakMap<Tool, LanguageModelV3FunctionTool>();

/** A tool as the model sees it; execution stays with the agent loop (permissions, events). */
function declarationOf(tool: Tool): LanguageModelV3FunctionTool {
  let declaration = declarations.get(tool);
  if (!declaration) {
    // Compact schemas: they go into every request (the loop validates arguments with zod itself).
    declaration = {
      type: "function",
      name: tool.name,
      description: tool.description.trim(),
      inputSchema: compactInputSchema(tool) as LanguageModelV3FunctionTool["inputSchema"],
    };
    declarations.set(tool, declaration);
  }
  return declaration;
}

/** The same declarations as an AI SDK tool set, for `generateText` (a call that only answers). */
export function toToolSet(tools: Tool[]): ToolSet {
  return Object.fromEntries(
    tools.map((t) => {
      const { description, inputSchema } = declarationOf(t);
      return [t.name, aiTool({ description, inputSchema: jsonSchema(inputSchema) })];
    }),
  );
}

/**
 * One model call: streams text/reasoning as events, collects tool calls, usage and the assistant message.
 * It drives the provider's stream itself rather than through the AI SDK's `streamText`, whose multi-step
 * machinery (a chain of web streams and a zod check of the whole prompt per call) cost a streaming server
 * more than the provider's own parsing: the loop around this function is the agent's step machinery.
 */
export async function* streamStep(
  model: LanguageModel,
  system: string,
  messages: ModelMessage[],
  tools: Tool[],
  signal: AbortSignal,
  maxOutputTokens?: number,
): AsyncGenerator<AgentEvent, StepOutcome> {
  const outcome: StepOutcome = { text: "", calls: [], messages: [], inputTokens: 0, outputTokens: 0, emitted: false };
  const language = languageModelV3(model);
  const content = new AssistantContentBuilder();
  try {
    const prompt = await convertToLanguageModelPrompt({
      prompt: { system, messages },
      supportedUrls: await language.supportedUrls,
      download: undefined, // the AI SDK's own: fetches attachments the provider cannot take by URL
      abortSignal: signal,
    });
    const { stream } = await language.doStream({
      prompt,
      tools: tools.length > 0 ? tools.map(declarationOf) : undefined,
      toolChoice: tools.length > 0 ? { type: "auto" } : undefined,
      maxOutputTokens,
      abortSignal: signal,
    });
    for await (const part of stream as AsyncIterable<LanguageModelV3StreamPart>) {
      switch (part.type) {
        case "text-start":
        case "reasoning-start":
          content.start(kindOf(part.type), part.id, part.providerMetadata);
          break;
        case "text-delta":
        case "reasoning-delta":
          content.append(kindOf(part.type), part.id, part.delta, part.providerMetadata);
          if (!part.delta) break;
          if (part.type === "text-delta") outcome.text += part.delta;
          outcome.emitted = true;
          yield { type: part.type, text: part.delta };
          break;
        case "text-end":
        case "reasoning-end":
          content.end(kindOf(part.type), part.id, part.providerMetadata);
          break;
        case "tool-call": {
          const call = await parseToolCall(part, tools);
          content.toolCall(part, call.input, call.rejection !== undefined);
          outcome.calls.push(call);
          outcome.emitted = true;
          yield { type: "tool-pending", callId: call.callId, tool: call.tool, input: call.input };
          break;
        }
        case "file":
          content.file(part);
          break;
        case "finish":
          outcome.inputTokens += part.usage.inputTokens.total ?? 0;
          outcome.outputTokens += part.usage.outputTokens.total ?? 0;
          break;
        case "error":
          throw part.error;
      }
    }
    // A provider whose stream ends quietly on abort must not make the partial step look finished.
    signal.throwIfAborted();
  } catch (error) {
    if (signal.aborted) throw signal.reason ?? new DOMException("aborted", "AbortError");
    throw error;
  }
  outcome.messages = content.messages();
  return outcome;
}

/** Which kind of streamed part a text-* or reasoning-* stream part belongs to. */
function kindOf(type: `${StreamedPart["type"]}-${string}`): StreamedPart["type"] {
  return type.startsWith("text") ? "text" : "reasoning";
}

function languageModelV3(model: LanguageModel): LanguageModelV3 {
  if (typeof model === "object" && model.specificationVersion === "v3") return model as LanguageModelV3;
  const name = typeof model === "string" ? model : `${model.provider}/${model.modelId}`;
  throw new Error(`model ${name} does not implement the AI SDK's v3 language model interface`);
}

/**
 * A streamed tool call as the loop runs it. As the AI SDK does: empty arguments are `{}`, arguments that
 * are not JSON or name a tool the model was not given make the call a rejected one (told to the model as
 * its result, in the SDK's own words); the arguments' shape is checked by the loop against the tool's schema.
 */
async function parseToolCall(
  part: Extract<LanguageModelV3StreamPart, { type: "tool-call" }>,
  tools: Tool[],
): Promise<PendingCall> {
  const { toolCallId: callId, toolName } = part;
  const parsed =
    part.input.trim() === "" ? { success: true as const, value: {} } : await safeParseJSON({ text: part.input });
  const input = parsed.success ? parsed.value : part.input;
  const problem = !tools.some((t) => t.name === toolName)
    ? new NoSuchToolError({ toolName, availableTools: tools.map((t) => t.name) })
    : parsed.success
      ? undefined
      : new InvalidToolInputError({ toolName, toolInput: part.input, cause: parsed.error });
  const rejection = problem && `invalid call of ${toolName}: ${problem.message}. Fix the arguments and call again.`;
  return { callId, tool: toolName, input, ...(rejection && { rejection }) };
}

type StreamedPart = { type: "text" | "reasoning"; text: string; providerOptions: SharedV3ProviderMetadata | undefined };

/**
 * The step's assistant message, built as the AI SDK builds its response messages: text and reasoning in
 * the order they started, with the provider's metadata (item ids, signatures) kept as provider options so
 * that the next request can refer back to them; empty text is left out, empty reasoning kept (a redacted one).
 */
class AssistantContentBuilder {
  private readonly parts: Array<StreamedPart | Exclude<AssistantContent, string>[number]> = [];
  private readonly active = new Map<string, StreamedPart>();

  start(type: StreamedPart["type"], id: string, metadata: SharedV3ProviderMetadata | undefined): StreamedPart {
    const part: StreamedPart = { type, text: "", providerOptions: metadata };
    this.active.set(`${type}:${id}`, part);
    this.parts.push(part);
    return part;
  }

  append(type: StreamedPart["type"], id: string, delta: string, metadata: SharedV3ProviderMetadata | undefined): void {
    const part = this.active.get(`${type}:${id}`) ?? this.start(type, id, undefined);
    part.text += delta;
    part.providerOptions = metadata ?? part.providerOptions;
  }

  end(type: StreamedPart["type"], id: string, metadata: SharedV3ProviderMetadata | undefined): void {
    const part = this.active.get(`${type}:${id}`);
    if (!part) return;
    part.providerOptions = metadata ?? part.providerOptions;
    this.active.delete(`${type}:${id}`);
  }

  toolCall(part: Extract<LanguageModelV3StreamPart, { type: "tool-call" }>, input: unknown, invalid: boolean): void {
    this.parts.push({
      type: "tool-call",
      toolCallId: part.toolCallId,
      toolName: part.toolName,
      input: invalid && (typeof input !== "object" || input === null) ? {} : input,
      providerExecuted: part.providerExecuted,
      providerOptions: part.providerMetadata,
    });
  }

  file(part: Extract<LanguageModelV3StreamPart, { type: "file" }>): void {
    const data = typeof part.data === "string" ? part.data : Buffer.from(part.data).toString("base64");
    this.parts.push({ type: "file", data, mediaType: part.mediaType, providerOptions: part.providerMetadata });
  }

  messages(): ModelMessage[] {
    const content = this.parts.filter((part) => part.type !== "text" || part.text.length > 0);
    return content.length > 0 ? [{ role: "assistant", content: content as Exclude<AssistantContent, string> }] : [];
  }
}

/** An assistant message holding what was streamed before an interruption, so the session stays whole. */
export function partialAssistant(text: string): AssistantModelMessage {
  return { role: "assistant", content: [{ type: "text", text: text || "(interrupted)" }] };
}

/**
 * Makes the router's call part of the step, as if the model had made it: a tool-call part on the step's
 * assistant message (so the call's result has its call in the conversation) and a pending call.
 */
export function attachRoutedCall(
  outcome: StepOutcome,
  routed: { tool: string; input: Record<string, unknown> },
  callId: string,
): AgentEvent {
  const part = { type: "tool-call" as const, toolCallId: callId, toolName: routed.tool, input: routed.input };
  const assistant = outcome.messages.findLast((m) => m.role === "assistant");
  if (assistant) {
    const content =
      typeof assistant.content === "string" ? [{ type: "text" as const, text: assistant.content }] : assistant.content;
    assistant.content = [...content, part];
  } else outcome.messages.push({ role: "assistant", content: [part] });
  outcome.calls.push({ callId, tool: routed.tool, input: routed.input });
  return { type: "tool-pending", callId, tool: routed.tool, input: routed.input };
}
