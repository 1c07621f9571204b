import { prepareAgent, type PreparedAgent, type PrepareOptions } from "../../agent/prepare.ts";
import { listProfiles } from "../../agent/profiles/resolve.ts";
import { runAgent } from "../../agent/run-agent.ts";
import { summarizeOlderTurns } from "../../agent/compaction.ts";
import type { AgentEvent } from "../../agent/events.ts";
import type { Config } from "../../config/schema.ts";
import type { AskReply, AskRequest } from "../../permission/engine.ts";
import { resolveModel, type ResolvedModel } from "../../provider/resolve.ts";
import { transcript } from "../../session/context.ts";
import type { SessionInfo } from "../../session/store.ts";
import type { QuestionRequest } from "../../tool/tool.ts";
import { errorMessage } from "../../util/errors.ts";
import { entriesFromMessages } from "../chat/from-messages.ts";
import { entryId, notice, type Entry } from "../chat/entries.ts";
import { reduceTurn } from "../chat/turn-reducer.ts";
import { expandMentions } from "../input/mentions.ts";
import { AskQueue } from "./ask-queue.ts";
import { ScrollbackQueue, type Scrollback } from "./scrollback.ts";
import { Timeline, type TimelineItem } from "./timeline.ts";

const FRAME_MS = 30;

/** What prepareAgent takes, less the ask (the TUI answers asks itself), plus the step budget. */
export type TuiSessionOptions = Omit<PrepareOptions, "ask" | "onWarning"> & { maxSteps?: number };

/** A permission ask waiting for the user, and how to answer it. */
export interface PendingApproval {
  ask: AskRequest;
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
}

/**
 * The TUI's model of one conversation, independent of React: it runs turns through the headless agent
 * core, folds their events into transcript entries, asks the user for permissions, and switches
 * sessions, models and agents. Components subscribe to its snapshots.
 */
export class TuiSession {
  private readonly listeners = new Set<() => void>();
  private readonly scrollback = new ScrollbackQueue();
  private readonly timeline = new Timeline();
  private live: Entry[] = [];
  private busy = false;
  private readonly approvals = new AskQueue<PendingApproval, AskReply>();
  private readonly questions = new AskQueue<PendingQuestion, string | undefined>();
  private status: string | undefined;
  private usage: SessionUsage = { inputTokens: 0, outputTokens: 0, cost: 0, contextTokens: 0 };
  private abort: AbortController | undefined;
  private notifyTimer: NodeJS.Timeout | undefined;
  private setup: Pick<PreparedAgent, "tools" | "system" | "authorize">;
  private snapshot: TuiSnapshot;
  /** Set by the UI: wipes the screen and the terminal's scrollback before a full reprint. */
  clearScreen: () => void = () => {};

  private constructor(
    private readonly options: TuiSessionOptions,
    private readonly prepared: PreparedAgent,
    private session: SessionInfo,
    private model: ResolvedModel,
    private agent: string,
  ) {
    this.setup = { tools: prepared.tools, system: prepared.system, authorize: prepared.authorize };
    this.usage = usageOf(session);
    this.snapshot = this.buildSnapshot();
  }

  static async open(options: TuiSessionOptions): Promise<TuiSession> {
    let self: TuiSession | undefined;
    const prepared = await prepareAgent({
      config: options.config,
      dataDir: options.dataDir,
      workspace: options.workspace,
      modelRef: options.modelRef,
      agent: options.agent,
      sessionId: options.sessionId,
      continueLatest: options.continueLatest,
      ask: (ask) => self!.askUser(ask),
      onWarning: (message) => self?.print([notice(message, "warning")]),
    });
    self = new TuiSession(options, prepared, prepared.session, prepared.model, prepared.profile.name);
    if (prepared.resumed) self.print(self.history());
    return self;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): TuiSnapshot => this.snapshot;

  get workspace(): string {
    return this.options.workspace;
  }

  get config(): Config {
    return this.options.config;
  }

  /** The primary agents Tab cycles through (build, plan, and custom primary ones). */
  agents(): string[] {
    return listProfiles(this.options.workspace)
      .filter((p) => p.mode !== "subagent")
      .map((p) => p.name);
  }

  sessions(): SessionInfo[] {
    return this.prepared.store.list({ directory: this.options.workspace, limit: 100 }).filter((s) => !s.parentId);
  }

  /** Entries printed once; the UI acknowledges them so they are dropped from memory. */
  print(entries: Entry[]): void {
    this.scrollback.push(entries);
    this.changed();
  }

  markPrinted(key: number, count: number): void {
    this.scrollback.markPrinted(key, count);
  }

  info(text: string, level: "info" | "warning" | "error" = "info"): void {
    this.print([notice(text, level)]);
  }

  /** Sends a prompt as a new turn. Returns false (and says why) when a turn is already running. */
  async submit(prompt: string): Promise<boolean> {
    if (this.busy) {
      this.info("a turn is still running: wait for it, or press Esc to interrupt it", "warning");
      return false;
    }
    this.busy = true;
    this.abort = new AbortController();
    this.print([{ id: entryId(), kind: "user", text: prompt }]);
    try {
      const input = await expandMentions(prompt, this.options.workspace);
      for await (const event of runAgent(input, {
        ...this.setup,
        store: this.prepared.store,
        session: this.session,
        model: this.model,
        resolveAgent: this.prepared.resolveAgent,
        workspace: this.options.workspace,
        dataDir: this.options.dataDir,
        signal: this.abort.signal,
        maxSteps: this.options.maxSteps ?? this.options.config.default.max_steps,
        hooks: { ...this.prepared.hooks, question: (request, signal) => this.askQuestion(request, signal) },
      })) {
        this.onEvent(event);
      }
    } catch (error) {
      this.onEvent({ type: "error", message: errorMessage(error) });
    } finally {
      this.busy = false;
      this.abort = undefined;
      this.status = undefined;
      this.print(this.live.map((e) => ("open" in e ? { ...e, open: false } : e)));
      this.live = [];
      this.session = this.prepared.store.get(this.session.id) ?? this.session;
      this.usage = { ...usageOf(this.session), contextTokens: this.usage.contextTokens };
      this.changed();
    }
    return true;
  }

  /** Esc: stops the running turn (a pending permission ask is refused). */
  interrupt(): boolean {
    if (!this.abort) return false;
    this.abort.abort(new Error("interrupted by the user"));
    return true;
  }

  async setModel(ref: string): Promise<void> {
    try {
      this.model = await resolveModel(ref, this.options.config);
      this.timeline.record("model", this.model.ref);
      this.info(`model: ${this.model.ref}`);
    } catch (error) {
      this.info(errorMessage(error), "error");
    }
  }

  setAgent(name: string): void {
    const setup = this.prepared.resolveAgent(name);
    if (!setup?.tools || !setup.system || !setup.authorize) return this.info(`unknown agent '${name}'`, "error");
    this.setup = { tools: setup.tools, system: setup.system, authorize: setup.authorize };
    this.agent = name;
    this.timeline.record("agent", name);
    this.changed();
  }

  newSession(): void {
    if (this.refuseWhileBusy()) return;
    this.session = this.prepared.store.create({ directory: this.options.workspace, model: this.model.ref, agent: this.agent });
    this.usage = usageOf(this.session);
    this.timeline.clear();
    this.reprint();
    this.info(`new session ${this.session.id}`);
  }

  resume(id: string): void {
    if (this.refuseWhileBusy()) return;
    const session = this.prepared.store.get(id) ?? this.sessions().find((s) => s.id.startsWith(id));
    if (!session) return this.info(`session not found: ${id} (see /sessions)`, "error");
    this.session = session;
    this.usage = usageOf(session);
    this.timeline.clear();
    this.reprint();
    this.info(`resumed ${session.id}${session.title ? `: ${session.title}` : ""}`);
  }

  /** Clears the screen and prints the whole conversation again (after a theme or layout change, /refresh). */
  reprint(): void {
    this.clearScreen();
    this.print(this.history());
  }

  /** /compact: folds older turns into a summary now instead of waiting for the context to fill. */
  async compact(): Promise<void> {
    if (this.refuseWhileBusy()) return;
    this.busy = true;
    this.status = "compacting…";
    this.changed();
    const store = this.prepared.store;
    try {
      const folded = await summarizeOlderTurns(this.model, store, this.session.id, store.messages(this.session.id), 1, new AbortController().signal);
      this.info(folded ? "compacted: older turns are now a summary in the model's context" : "nothing to compact yet (only one turn)");
    } catch (error) {
      this.info(`compaction failed: ${errorMessage(error)}`, "error");
    } finally {
      this.busy = false;
      this.status = undefined;
      this.changed();
    }
  }

  private history(): Entry[] {
    return entriesFromMessages(transcript(this.prepared.store.messages(this.session.id)));
  }

  private refuseWhileBusy(): boolean {
    if (this.busy) this.info("not while a turn is running (Esc interrupts it)", "warning");
    return this.busy;
  }

  private onEvent(event: AgentEvent): void {
    this.timeline.recordEvent(event);
    if (event.type === "usage") {
      this.usage = {
        inputTokens: this.usage.inputTokens + event.inputTokens,
        outputTokens: this.usage.outputTokens + event.outputTokens,
        cost: this.usage.cost + (event.cost ?? 0),
        contextTokens: event.inputTokens + event.outputTokens,
      };
    }
    this.status = event.type === "retry" ? `retrying in ${Math.ceil(event.delayMs / 1000)}s: ${event.error}` : undefined;
    const { live, settled } = reduceTurn(this.live, event);
    this.live = live;
    if (settled.length) this.scrollback.push(settled);
    this.changed();
  }

  private askUser(ask: AskRequest): Promise<AskReply> {
    // An ask queued behind one the user interrupted: the turn is over, nothing to show.
    if (this.abort?.signal.aborted) return Promise.resolve({ reply: "reject", reason: "the user interrupted the turn" });
    return new Promise((resolve) => {
      const interrupted: AskReply = { reply: "reject", reason: "the user interrupted the turn" };
      this.approvals.add((answer) => ({ ask, answer }), this.abort?.signal, interrupted, (reply) => {
        this.timeline.record("permission", `${reply.reply} ${ask.request.tool} ${ask.request.target}`, reply);
        const why = reply.reply === "reject" && reply.reason ? `: ${reply.reason}` : "";
        const verdict = reply.reply === "once" ? "allowed once" : reply.reply === "always" ? "allowed always (this project)" : "rejected";
        this.info(`${verdict}: ${ask.request.tool} ${ask.request.target}${why}`, reply.reply === "reject" ? "warning" : "info");
        resolve(reply);
      });
      this.timeline.record("permission-ask", `${ask.request.tool} ${ask.request.target}`, ask);
      this.changed();
    });
  }

  private askQuestion(request: QuestionRequest, signal: AbortSignal): Promise<string> {
    return new Promise((resolve) => {
      this.questions.add((answer) => ({ request, answer }), signal, undefined, (text) => {
        this.timeline.record("question-answer", text ?? "(skipped)", { question: request.question, answer: text ?? null });
        this.info(text ? `you answered: ${text}` : "question skipped", text ? "info" : "warning");
        resolve(text ?? ""); // "" tells the tool the user skipped it
      });
      this.timeline.record("question", request.question, request);
      this.changed();
    });
  }

  /**
   * A model streams hundreds of deltas a second; the UI is told at most once a frame (ink draws at
   * 30 fps anyway), so a fast stream costs a few renders instead of one per delta.
   */
  private changed(): void {
    this.snapshot = this.buildSnapshot();
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      for (const listener of this.listeners) listener();
    }, FRAME_MS);
  }

  private buildSnapshot(): TuiSnapshot {
    return {
      scrollback: this.scrollback.current(),
      live: this.live,
      busy: this.busy,
      approval: this.approvals.first,
      question: this.questions.first,
      session: this.session,
      model: this.model,
      agent: this.agent,
      usage: this.usage,
      status: this.status,
      timeline: this.timeline.list(),
    };
  }

  async close(): Promise<void> {
    clearTimeout(this.notifyTimer);
    this.abort?.abort(new Error("closing"));
    await this.prepared.close();
  }
}

function usageOf(session: SessionInfo): SessionUsage {
  return { inputTokens: session.inputTokens, outputTokens: session.outputTokens, cost: session.cost, contextTokens: 0 };
}
