import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { Socket } from "node:net";
import { pathToFileURL } from "node:url";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { ToolError } from "../contracts/tool.ts";
import type { LanguageServerConfig } from "./config.ts";
import { languageIdOf } from "./language-id.ts";
import type { Diagnostic } from "./protocol.ts";

const REQUEST_TIMEOUT_MS = 30_000;
/** The first diagnostics of a file can take a while (the server loads the project). */
const FIRST_DIAGNOSTICS_MS = 20_000;
/** Servers publish nothing when a clean file stays clean, so later waits are short. */
const LATER_DIAGNOSTICS_MS = 1_500;
/** Diagnostics arrive in batches (syntax, then semantic): wait until they stop changing. */
const SETTLE_MS = 300;

const CLIENT_CAPABILITIES = {
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: false },
    publishDiagnostics: { relatedInformation: false },
    hover: { contentFormat: ["markdown", "plaintext"] },
    definition: { linkSupport: true },
    references: {},
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
  },
  workspace: { workspaceFolders: true, configuration: false },
};

/**
 * How a language server's command line is started: in the sandbox, as a tool's commands are (a server runs
 * the workspace's code: its tsserver, tsconfig plugins, build scripts). Front ends pass the sandbox's plan.
 */
export type LanguageServerLauncher = (
  argv: string[],
  workspace: string,
) => Promise<{ argv: string[]; env: NodeJS.ProcessEnv; cwd: string; confined: boolean }>;

/**
 * One language server process spoken to over stdio with JSON-RPC. It can be ended at any time, starting
 * or not (a run that finishes while the server is still starting must not wait for it); `ready` settles
 * once it answered `initialize`, and a server that fails to start is ended. Its pipes are unref'd while
 * idle so a finished run can exit; they are ref'd while a request or a diagnostics wait is in flight.
 */
export class LanguageServerClient {
  /** Resolves once the server is initialised; rejects with a ToolError when it could not start. */
  readonly ready: Promise<void>;
  private child: ChildProcess | undefined;
  private connection: MessageConnection | undefined;
  private readonly documents = new Map<string, { version: number; text: string }>();
  private readonly diagnostics = new Map<string, Diagnostic[]>();
  private readonly publishListeners = new Set<(uri: string) => void>();
  private busy = 0;
  private initialized = false;
  private exited = false;
  private killed = false;
  /** Set when a first wait ended with no publish at all: this server doesn't push diagnostics. */
  private silent = false;
  /** Ends the server with this process, however it ends (also inside a process 'exit' handler). */
  private readonly killOnExit = () => this.kill();

  constructor(
    readonly config: LanguageServerConfig,
    workspace: string,
    launch: LanguageServerLauncher,
  ) {
    process.on("exit", this.killOnExit);
    this.ready = this.start(workspace, launch).catch((error: unknown) => {
      this.kill();
      throw error instanceof ToolError
        ? error
        : new ToolError(`cannot start language server '${config.name}': ${(error as Error).message}`);
    });
    this.ready.catch(() => {}); // the caller that needs the server sees the failure
  }

  private async start(workspace: string, launch: LanguageServerLauncher): Promise<void> {
    const { config } = this;
    const plan = await launch([config.command, ...config.args], workspace);
    if (this.killed) throw new ToolError(`language server '${config.name}' was ended while starting`);
    const child = spawn(plan.argv[0]!, plan.argv.slice(1), {
      cwd: plan.cwd,
      env: { ...plan.env, ...config.env },
      stdio: ["pipe", "pipe", "ignore"],
      // Its own process group, so kill() also ends the helpers it spawns (tsserver).
      detached: true,
    });
    this.child = child;
    child.on("exit", () => {
      this.exited = true;
      this.connection?.dispose();
      for (const listener of this.publishListeners) listener("");
      // Helpers it left behind in its group (a crashed tsls's tsserver) go with it.
      this.kill();
    });
    const spawned = await new Promise<Error | undefined>((resolve) => {
      child.once("spawn", () => resolve(undefined));
      child.once("error", resolve);
    });
    if (spawned)
      throw new ToolError(`cannot start language server '${config.name}' (${config.command}): ${spawned.message}`);
    // Loaded only when a language server starts: every edit tool imports this module.
    const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = await import("vscode-jsonrpc/node");
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    this.connection = connection;
    connection.onNotification(
      "textDocument/publishDiagnostics",
      (params: { uri: string; diagnostics: Diagnostic[] }) => {
        this.diagnostics.set(params.uri, params.diagnostics);
        for (const listener of this.publishListeners) listener(params.uri);
      },
    );
    // Servers ask the client things (configuration, progress tokens); answering null keeps them going.
    connection.onRequest(() => null);
    connection.onError(() => {});
    connection.listen();
    this.setRef(false);
    const root = pathToFileURL(workspace).href;
    await this.request("initialize", {
      // A server exits when the process it is given is gone: in the sandbox's pid namespace ours never
      // exists (tsls quit within seconds). There bubblewrap ends it with us instead.
      processId: plan.confined ? null : process.pid,
      rootUri: root,
      workspaceFolders: [{ uri: root, name: "workspace" }],
      capabilities: CLIENT_CAPABILITIES,
    });
    await connection.sendNotification("initialized", {});
    this.initialized = true;
  }

  /** Initialised and still running. */
  get usable(): boolean {
    return this.initialized && !this.exited;
  }

  /** It had started, then exited (crashed, or was ended): worth starting again. */
  get lost(): boolean {
    return this.initialized && this.exited;
  }

  /** Sends a request; fails with a ToolError on timeout or when the server is gone. */
  async request<T>(method: string, params: unknown): Promise<T> {
    if (this.exited) throw new ToolError(`language server '${this.config.name}' has exited`);
    return this.hold(async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new ToolError(
                `language server '${this.config.name}' did not answer ${method} within ${REQUEST_TIMEOUT_MS / 1000} s`,
              ),
            ),
          REQUEST_TIMEOUT_MS,
        );
      });
      try {
        return await Promise.race([this.connection!.sendRequest<T>(method, params), timeout]);
      } catch (error) {
        if (error instanceof ToolError) throw error;
        throw new ToolError(`language server '${this.config.name}' failed ${method}: ${(error as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    });
  }

  /** Opens the file in the server, or sends its new text when it changed on disk; returns its URI. */
  async sync(path: string): Promise<{ uri: string; changed: boolean }> {
    if (this.exited) throw new ToolError(`language server '${this.config.name}' has exited`);
    const uri = pathToFileURL(path).href;
    const text = await readFile(path, "utf8").catch(() => {
      throw new ToolError(`file not found: ${path}`);
    });
    const open = this.documents.get(uri);
    if (open?.text === text) return { uri, changed: false };
    if (!open) {
      this.documents.set(uri, { version: 1, text });
      await this.connection!.sendNotification("textDocument/didOpen", {
        textDocument: { uri, languageId: languageIdOf(path), version: 1, text },
      });
    } else {
      const version = open.version + 1;
      this.documents.set(uri, { version, text });
      await this.connection!.sendNotification("textDocument/didChange", {
        textDocument: { uri, version },
        contentChanges: [{ text }],
      });
    }
    return { uri, changed: true };
  }

  /**
   * The file's diagnostics after the server has seen its current text, waiting for them as long as the
   * server usually takes, and never longer than `budgetMs` (a stuck pipe or a slow server included).
   */
  async currentDiagnostics(path: string, budgetMs?: number): Promise<Diagnostic[]> {
    const uri = pathToFileURL(path).href;
    const seenBefore = this.diagnostics.has(uri);
    return this.hold(async () => {
      const published = this.waitForPublish(uri, seenBefore ? LATER_DIAGNOSTICS_MS : FIRST_DIAGNOSTICS_MS);
      const budget = budgetMs === undefined ? undefined : setTimeout(published.cancel, budgetMs);
      const synced = this.sync(path).then(({ changed }) => {
        if ((!changed && seenBefore) || this.silent) published.cancel();
      });
      synced.catch(() => {}); // when the wait ends first, a late failure has nobody to tell
      try {
        await Promise.race([synced, published.done]);
        await published.done;
      } finally {
        clearTimeout(budget);
        published.cancel();
      }
      if (this.diagnostics.size === 0) this.silent = true;
      return this.diagnostics.get(uri) ?? [];
    });
  }

  /** Ends the server's whole process group now: servers hold nothing worth a polite shutdown's wait. */
  kill(): void {
    if (this.killed) return;
    this.killed = true;
    process.off("exit", this.killOnExit);
    try {
      if (this.child?.pid) process.kill(-this.child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }

  /** Resolves once publishes for `uri` have settled, or after `timeoutMs` without any. */
  private waitForPublish(uri: string, timeoutMs: number): { done: Promise<void>; cancel(): void } {
    let finish = () => {};
    const done = new Promise<void>((resolve) => {
      let timer = setTimeout(() => finish(), timeoutMs);
      const listener = (published: string) => {
        if (this.exited) return finish();
        if (published !== uri) return;
        clearTimeout(timer);
        timer = setTimeout(() => finish(), SETTLE_MS);
      };
      finish = () => {
        clearTimeout(timer);
        this.publishListeners.delete(listener);
        resolve();
      };
      this.publishListeners.add(listener);
    });
    return { done, cancel: () => finish() };
  }

  private async hold<T>(work: () => Promise<T>): Promise<T> {
    if (this.busy++ === 0) this.setRef(true);
    try {
      return await work();
    } finally {
      if (--this.busy === 0) this.setRef(false);
    }
  }

  private setRef(on: boolean): void {
    const child = this.child;
    for (const handle of [child, child?.stdin, child?.stdout] as Array<ChildProcess | Socket | null | undefined>) {
      if (handle && "ref" in handle) on ? handle.ref() : handle.unref();
    }
  }
}
