import {
  jsonSchema,
  streamText,
  tool as aiTool,
  type AssistantModelMessage,
  type ModelMessage,
  type ToolSet,
} from "ai";
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
const declarations = new WeakMap<Tool, ToolSet[string]>();

/** The tool declarations the model sees; execution stays with the agent loop (permissions, events). */
export function toToolSet(tools: Tool[]): ToolSet {
  // Compact schemas: they go into every request (the loop validates arguments with zod itself).
  return Object.fromEntries(tools.map((t) => [t.name, declarationOf(t)]));
}

function declarationOf(tool: Tool): ToolSet[string] {
  let declaration = declarations.get(tool);
  if (!declaration) {
    declaration = aiTool({ description: tool.description.trim(), inputSchema: jsonSchema(compactInputSchema(tool)) });
    declarations.set(tool, declaration);
  }
  return declaration;
}

/** One model call: streams text/reasoning as events, collects tool calls, usage and the assistant message. */
export async function* streamStep(
  model: Parameters<typeof streamText>[0]["model"],
  system: string,
  messages: ModelMessage[],
  tools: ToolSet,
  signal: AbortSignal,
  maxOutputTokens?: number,
): AsyncGenerator<AgentEvent, StepOutcome> {
  const outcome: StepOutcome = { text: "", calls: [], messages: [], inputTokens: 0, outputTokens: 0, emitted: false };
  // The step's messages, as `result.response` gives them: onFinish runs before the stream ends, while
  // `result.response` would tee the stream once more and run every part through it a second time.
  let finished: ModelMessage[] | undefined;
  const result = streamText({
    model,
    system,
    messages,
    tools,
    abortSignal: signal,
    maxRetries: 0,
    maxOutputTokens,
    onError: () => {},
    onFinish: (event) => {
      finished = event.response.messages;
    },
  });
  for await (const part of result.fullStream) {
    switch (part.type) {
      case "text-delta":
        outcome.text += part.text;
        outcome.emitted = true;
        yield { type: "text-delta", text: part.text };
        break;
      case "reasoning-delta":
        outcome.emitted = true;
        yield { type: "reasoning-delta", text: part.text };
        break;
      case "tool-call": {
        const rejection = part.invalid
          ? `invalid call of ${part.toolName}: ${(part.error as Error | undefined)?.message ?? "bad arguments"}. Fix the arguments and call again.`
          : undefined;
        outcome.calls.push({ callId: part.toolCallId, tool: part.toolName, input: part.input, rejection });
        outcome.emitted = true;
        yield { type: "tool-pending", callId: part.toolCallId, tool: part.toolName, input: part.input };
        break;
      }
      case "finish-step":
        outcome.inputTokens += part.usage.inputTokens ?? 0;
        outcome.outputTokens += part.usage.outputTokens ?? 0;
        break;
      case "error":
        throw part.error;
      case "abort":
        throw signal.reason ?? new DOMException("aborted", "AbortError");
    }
  }
  // Our tools have no execute: the loop runs every call and stores one result each. The SDK adds its
  // own tool-error result for an invalid call; keeping both would give a call two results (a 400 later).
  // Without a finish (no step was recorded) `result.response` rejects with the reason, as before.
  outcome.messages = (finished ?? (await result.response).messages).filter((message) => message.role !== "tool");
  return outcome;
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
