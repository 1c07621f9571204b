import type { PreparedAgent } from "../../app/agent-factory.ts";
import { listProfiles } from "../../agent/profiles/resolve.ts";
import type { AgentEvent } from "../../contracts/agent-events.ts";
import type { Config } from "../../config/schema.ts";
import { resolveModel, type ResolvedModel } from "../../provider/resolve.ts";
import { transcript } from "../../session/context.ts";
import { estimatedContext } from "../../agent/compaction.ts";
import type { SessionInfo } from "../../session/store.ts";
import { errorMessage } from "../../contracts/errors.ts";
import { entriesFromMessages } from "../chat/from-messages.ts";
import { entryId, notice, type Entry, type ToolEntry } from "../chat/entries.ts";
import { TurnEntries } from "./turn-entries.ts";
import { expandMentions } from "../../agent/mentions.ts";
import { EditSnapshots } from "../../tool/edit-snapshots.ts";
import { ScrollbackQueue } from "./scrollback.ts";
import { Timeline } from "./timeline.ts";
import type { SwarmBoard } from "../../swarm/board.ts";
import { swarmCommand } from "./tui-swarm.ts";
import type { RalphBoard } from "./ralph-board.ts";
import { ralphCommand } from "./ralph-run.ts";
import { orchestrateCommand, type Orchestration } from "./orchestration-run.ts";
import { FrameNotifier } from "./frame-notifier.ts";
import { lastAnswerOf } from "./last-answer.ts";
import { undoCommand } from "./edit-undo.ts";
import { compactCommand } from "./compact-run.ts";
import type { SessionHost, TuiSessionOptions } from "./session-host.ts";
import { shellCommand } from "./shell-command.ts";
import { ListedModels } from "./listed-models.ts";
import { UserAsks } from "./user-asks.ts";
import { prepareTuiAgent, type TuiRecords } from "./tui-agent.ts";
import { addUsage, usageOf, type SessionUsage, type TuiSnapshot } from "./tui-snapshot.ts";
import { PromptQueue, type QueuedPrompt } from "./prompt-queue.ts";
import type { UserContent } from "ai";
import type { PromptImage } from "../input/prompt-keys.ts";

/**
 * The TUI's model of one conversation, independent of React: it runs turns through the headless agent
 * core, folds their events into transcript entries, asks the user for permissions, and switches
 * sessions, models and agents. Components subscribe to its snapshots.
 */
export class TuiSession {
  private readonly notifier = new FrameNotifier();
  private readonly scrollback = new ScrollbackQueue();
  private readonly timeline = new Timeline();
  private readonly turn = new TurnEntries();
  private busy = false;
  private readonly queued = new PromptQueue();
  private readonly listed: ListedModels;
  /** The last command's entry (bash or `!cmd`), for /expand. */
  private lastCommand: ToolEntry | undefined;
  private readonly snapshots = new EditSnapshots();
  private readonly asks = new UserAsks({
    timeline: this.timeline,
    info: (text, level) => this.info(text, level),
    changed: () => this.changed(),
    turnSignal: () => this.abort?.signal,
  });
  private status: string | undefined;
  private ralph: RalphBoard | undefined;
  private usage: SessionUsage = { inputTokens: 0, outputTokens: 0, cost: 0, contextTokens: 0 };
  private abort: AbortController | undefined;
  private setup: Pick<PreparedAgent, "tools" | "system" | "authorize">;
  private snapshot: TuiSnapshot;
  private swarmBoard: SwarmBoard | undefined;
  /** Set by the UI: wipes the screen and the terminal's scrollback before a full reprint. */
  clearScreen: () => void = () => {};

  private constructor(
    private readonly options: TuiSessionOptions,
    private readonly prepared: PreparedAgent,
    private session: SessionInfo,
    private model: ResolvedModel,
    private agent: string,
    private readonly records: TuiRecords,
  ) {
    this.listed = new ListedModels(options.config, () => this.changed());
    this.setup = { tools: prepared.tools, system: prepared.system, authorize: prepared.authorize };
    this.usage = this.storedUsage(session);
    this.snapshot = this.buildSnapshot();
  }

  static async open(options: TuiSessionOptions): Promise<TuiSession> {
    let self: TuiSession | undefined;
    const { prepared, records } = await prepareTuiAgent(options, {
      ask: (ask) => self!.asks.askUser(ask),
      warn: (message) => self?.print([notice(message, "warning")]),
    });
    self = new TuiSession(options, prepared, prepared.session, prepared.model, prepared.profile.name, records);
    self.listedModels(); // fetched now, so the picker has them when opened
    if (prepared.resumed) self.print(self.transcriptOf(prepared.session.id));
    return self;
  }

  subscribe = this.notifier.subscribe;

  getSnapshot = (): TuiSnapshot => this.snapshot;

  get workspace(): string {
    return this.options.workspace;
  }

  get config(): Config {
    return this.options.config;
  }

  /** Custom providers' listed models, for the model picker (see ListedModels). */
  listedModels(): ReadonlyMap<string, string[]> {
    return this.listed.get();
  }

  /** The primary agents Tab cycles through (build, plan, and custom primary ones). */
  agents(): string[] {
    return listProfiles(this.options.workspace)
      .filter((p) => p.mode !== "subagent")
      .map((p) => p.name);
  }

  sessions(): SessionInfo[] {
    return this.prepared.store.list({ directory: this.options.workspace, limit: 100, topLevel: true });
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

  /**
   * Sends a prompt (and the images attached to it) as a new turn; while one runs, it is queued and sent
   * when that turn ends.
   */
  async submit(prompt: string, images: readonly PromptImage[] = []): Promise<void> {
    if (this.busy) {
      this.queued.push({ text: prompt, images });
      this.changed();
      return;
    }
    this.busy = true;
    this.abort = new AbortController();
    this.snapshots.startTurn();
    this.print([{ id: entryId(), kind: "user", text: prompt }]);
    try {
      const text = await expandMentions(prompt, this.options.workspace);
      const input: UserContent = images.length ? [{ type: "text", text }, ...images.map((i) => i.part)] : text;
      for await (const event of this.prepared.run(input, {
        ...this.setup,
        session: this.session,
        model: this.model,
        signal: this.abort.signal,
        maxSteps: this.options.maxSteps ?? this.options.config.default.max_steps,
        hooks: { question: (request, signal) => this.asks.askQuestion(request, signal), editSnapshots: this.snapshots },
      })) {
        this.onEvent(event);
      }
    } catch (error) {
      this.onEvent({ type: "error", message: errorMessage(error) });
    } finally {
      this.busy = false;
      this.abort = undefined;
      this.status = undefined;
      this.print(this.turn.finish());
      this.session = this.prepared.store.get(this.session.id) ?? this.session;
      this.usage = usageOf(this.session, this.usage.contextTokens);
      this.changed();
    }
    const next = this.queued.next();
    if (next !== undefined) await this.submit(next.text, next.images);
  }

  /** Takes the last queued prompt back (to edit or drop it); undefined when nothing is queued. */
  unqueueLast(): QueuedPrompt | undefined {
    const last = this.queued.takeLast();
    if (last !== undefined) this.changed();
    return last;
  }

  /** `!cmd`: runs a command in the sandbox and shows its output; the model does not see it. */
  async shell(command: string): Promise<void> {
    const done = await shellCommand(this.host(), command);
    if (done?.exitCode !== undefined) this.lastCommand = done;
  }

  /** /undo [n] (see undoCommand). */
  undo(count: number): Promise<void> {
    return undoCommand(this.host(), this.snapshots, count);
  }

  /** /expand: prints the last command's whole output (the transcript shows its first lines). */
  expandLast(): void {
    if (!this.lastCommand) return this.info("no command output to expand yet", "warning");
    this.print([{ ...this.lastCommand, id: entryId(), expanded: true }]);
  }

  /** The text of the last answer in this session (for /copy). */
  lastAnswer(): string | undefined {
    return lastAnswerOf(this.prepared.store.messages(this.session.id));
  }

  /** /go, /autochat: `work` in place of a turn (see orchestrateCommand). */
  orchestrate(work: (orchestration: Orchestration) => Promise<void>): Promise<void> {
    return orchestrateCommand(this.host(), this.records, work);
  }

  /** /ralph PRD: the PRD's loop in place of a turn (see ralphCommand); `onStart` once it starts. */
  runRalph(prdArg: string, onStart: () => void = () => {}): Promise<void> {
    return ralphCommand(this.host(), prdArg, (board) => (this.ralph = board), onStart);
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
    const created = this.prepared.store.create({
      directory: this.options.workspace,
      model: this.model.ref,
      agent: this.agent,
    });
    this.switchTo(created, `new session ${created.id}`);
  }

  resume(id: string): void {
    if (this.refuseWhileBusy()) return;
    const session = this.prepared.store.get(id) ?? this.sessions().find((s) => s.id.startsWith(id));
    if (!session) return this.info(`session not found: ${id} (see /sessions)`, "error");
    this.switchTo(session, `resumed ${session.id}${session.title ? `: ${session.title}` : ""}`);
  }

  private switchTo(session: SessionInfo, message: string): void {
    // A session left with nothing in it (opened or /new, never used) is not kept: it listed as "(untitled)".
    if (session.id !== this.session.id) this.prepared.store.deleteIfUnused(this.session.id);
    this.session = session;
    this.usage = this.storedUsage(session);
    this.timeline.clear();
    this.reprint();
    this.info(message);
  }

  /**
   * Clears the screen and prints the whole conversation again (after a resize, a theme or layout change,
   * /refresh): what is stored, then what the running turn printed since its last stored message.
   */
  reprint(): void {
    this.clearScreen();
    this.print([...this.transcriptOf(this.session.id), ...this.turn.unstored]);
  }

  /** /compact (see compactCommand). */
  compact(): Promise<void> {
    return compactCommand(this.host());
  }

  /** /swarm TASK: sub-agents in place of a turn (see swarmCommand); the swarm view follows their board. */
  swarm(task: string): Promise<void> {
    return swarmCommand(this.host(), task, (board) => (this.swarmBoard = board));
  }

  /** A session's transcript (a swarm sub-agent's, in the swarm view). */
  transcriptOf(sessionId: string): Entry[] {
    return entriesFromMessages(transcript(this.prepared.store.messages(sessionId)));
  }

  private storedUsage(session: SessionInfo): SessionUsage {
    const { system, tools } = this.setup;
    return usageOf(session, estimatedContext(system, tools, this.prepared.store.messages(session.id)));
  }

  /** What the commands run in place of a turn (/ralph, /swarm, /go, /compact, /undo) take from this session. */
  private host(): SessionHost {
    return {
      prepared: this.prepared,
      config: this.options.config,
      dataDir: this.options.dataDir,
      workspace: this.options.workspace,
      timeline: this.timeline,
      asks: this.asks,
      current: () => ({ session: this.session, model: this.model, agent: this.agent, setup: this.setup }),
      refuseWhileBusy: () => this.refuseWhileBusy(),
      exclusively: (status, work, interruptible) => this.exclusively(status, work, interruptible),
      setStatus: (status) => {
        this.status = status;
        this.changed();
      },
      print: (entries) => this.print(entries),
      info: (text, level) => this.info(text, level),
    };
  }

  /** See SessionHost.exclusively. */
  private async exclusively(
    status: string | undefined,
    work: (signal: AbortSignal) => Promise<void>,
    interruptible = true,
  ): Promise<void> {
    this.busy = true;
    const abort = new AbortController();
    if (interruptible) this.abort = abort;
    this.status = status;
    this.changed();
    try {
      await work(abort.signal);
    } finally {
      this.busy = false;
      this.abort = undefined;
      this.status = undefined;
      this.changed();
    }
  }

  private refuseWhileBusy(): boolean {
    if (this.busy) this.info("not while a turn is running (Esc interrupts it)", "warning");
    return this.busy;
  }

  private onEvent(event: AgentEvent): void {
    this.timeline.recordEvent(event);
    if (event.type === "usage") this.usage = addUsage(this.usage, event);
    this.status =
      event.type === "retry" ? `retrying in ${Math.ceil(event.delayMs / 1000)}s: ${event.error}` : undefined;
    const settled = this.turn.apply(event);
    for (const entry of settled) if (entry.kind === "tool" && entry.exitCode !== undefined) this.lastCommand = entry;
    if (settled.length) this.scrollback.push(settled);
    this.changed();
  }

  private changed(): void {
    this.snapshot = this.buildSnapshot();
    this.notifier.notify();
  }

  private buildSnapshot(): TuiSnapshot {
    return {
      scrollback: this.scrollback.current(),
      live: this.turn.live,
      busy: this.busy,
      approval: this.asks.approval,
      question: this.asks.question,
      session: this.session,
      model: this.model,
      agent: this.agent,
      usage: this.usage,
      status: this.status,
      timeline: this.timeline.list(),
      swarm: this.swarmBoard?.snapshot(),
      ralph: this.ralph,
      queued: this.queued.texts,
    };
  }

  async close(): Promise<void> {
    this.notifier.close();
    this.abort?.abort(new Error("closing"));
    if (!this.busy) this.prepared.store.deleteIfUnused(this.session.id);
    await this.prepared.close();
    await this.records.recorder?.close();
  }
}
