// The bus's public surface; `nats` stays unloaded until createBus is given a URL.
export type { AgentBus, ReplyMessage, RequestOptions } from "./agent-bus.ts";
export { DEFAULT_REQUEST_TIMEOUT_MS } from "./agent-bus.ts";
export type { AgentCard, AgentCardInit, AgentSkill, EphemeralCardInit } from "./agent-card.ts";
export { ephemeralCard } from "./agent-card.ts";
export type {
  AgentHeartbeatPayload,
  AgentJoinedPayload,
  AgentLeftPayload,
  AgentQueryPayload,
  AgentRegistryOptions,
  EphemeralAgent,
  EphemeralAgentOptions,
} from "./agent-registry.ts";
export { AgentRegistry } from "./agent-registry.ts";
export type { BusHandle, BusHandleOptions, HandleMessageOptions } from "./bus-handle.ts";
export { createBusHandle } from "./bus-handle.ts";
export type { BusConfig, CreateBusOptions } from "./create-bus.ts";
export { busConfigSchema, busOptionsFrom, createBus } from "./create-bus.ts";
export type { BusEnvelope, Correlation, Delivery, EnvelopeKind, LaggedNotice, OutgoingMessage } from "./envelope.ts";
export { isLagged } from "./envelope.ts";
export { BusClosedError, BusError, BusNoResponderError, BusTimeoutError } from "./errors.ts";
export type { InProcessBusOptions } from "./in-process-bus.ts";
export { InProcessBus } from "./in-process-bus.ts";
export type { NatsBusOptions } from "./nats-bus.ts";
export type { DeliveryHandler, SubscribeOptions, Subscription } from "./subscription.ts";
export { DEFAULT_QUEUE_SIZE } from "./subscription.ts";
export type { CallToolOptions, ServeToolOptions, ToolHandler, ToolRequest, ToolResponse } from "./tool-channel.ts";
export { BusToolError, callTool, serveTool } from "./tool-channel.ts";
export { topics } from "./topics.ts";
