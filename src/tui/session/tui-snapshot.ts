import type { AskReply, AskRequest } from "../../permission/engine.ts";
import type { ResolvedModel } from "../../provider/resolve.ts";
import type { SessionInfo } from "../../session/store.ts";
import type { QuestionRequest } from "../../contracts/tool.ts";
import type { AgentEvent } from "../../contracts/agent-events.ts";
import type { Entry, FileDiff } from "../chat/entries.ts";
import type { BoardSnapshot } from "../../swarm/board.ts";
import type { Scrollback } from "./scrollback.ts";
import type { TimelineItem } from "./timeline.ts";
import type { RalphBoard } from "./ralph-board.ts";

/** A permission ask waiting for the user, and how to answer it. */
export interface PendingApproval {
  ask: AskRequest;
  /** What an edit would change, shown before the choice. */
  diff?: FileDiff;
  answer(reply: AskReply): void;
}

/** The model's `question` waiting for the user; answering `undefined` skips it. */
export interface PendingQuestion {
  request: QuestionRequest;
  answer(text: string | undefined): void;
}

export interface SessionUsage {
  inputTokens: number;
  outputTokens: number;
  cost: number;
  /** Tokens the model saw on its latest step: how full the context window is. */
  contextTokens: number;
}

/** Everything the UI draws from the session; a new object on every change (for useSyncExternalStore). */
export interface TuiSnapshot {
  scrollback: Scrollback;
  live: Entry[];
  busy: boolean;
  approval?: PendingApproval;
  question?: PendingQuestion;
  session: SessionInfo;
  model: ResolvedModel;
  agent: string;
  usage: SessionUsage;
  /** A transient line such as "retrying in 2s". */
  status?: string;
  timeline: readonly TimelineItem[];
  /** The latest /swarm's sub-agents (the swarm view). */
  swarm?: BoardSnapshot;
  /** The stories of the last /ralph run, for the Ralph view. */
  ralph?: RalphBoard;
  /** Prompts typed while a turn ran, sent one per turn after it. */
  queued: readonly string[];
}

/** A stored session's totals, with the context its next request carries (estimated until a step reports it). */
export function usageOf(session: SessionInfo, contextTokens: number): SessionUsage {
  return { inputTokens: session.inputTokens, outputTokens: session.outputTokens, cost: session.cost, contextTokens };
}

/** The usage after one step's `usage` event. */
export function addUsage(usage: SessionUsage, event: Extract<AgentEvent, { type: "usage" }>): SessionUsage {
  return {
    inputTokens: usage.inputTokens + event.inputTokens,
    outputTokens: usage.outputTokens + event.outputTokens,
    cost: usage.cost + (event.cost ?? 0),
    contextTokens: event.inputTokens + event.outputTokens,
  };
}
