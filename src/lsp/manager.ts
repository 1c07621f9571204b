import { extname } from "node:path";
import { LanguageServerClient, type LanguageServerLauncher } from "./client.ts";
import { languageServers, type LanguageServerConfig } from "./config.ts";

/**
 * The language servers of one workspace, started lazily on the first file that needs one and kept until
 * `shutdown` (or the end of the process). A server that failed to start is not tried again; one that
 * started and then died is.
 */
export class LanguageServers {
  private readonly clients = new Map<string, LanguageServerClient>();

  constructor(
    readonly workspace: string,
    readonly servers: LanguageServerConfig[],
    private readonly launch: LanguageServerLauncher,
  ) {}

  /** The configured server for a file, by extension. */
  serverFor(path: string): LanguageServerConfig | undefined {
    const extension = extname(path).toLowerCase();
    return this.servers.find((s) => s.extensions.includes(extension));
  }

  /** The initialised client for a file's server (started now if needed); undefined when none handles it. */
  async clientFor(path: string): Promise<LanguageServerClient | undefined> {
    const client = this.client(path);
    await client?.ready;
    return client;
  }

  /**
   * The file's server if it is up now, without waiting: one that is not is started in the background
   * (and shown the file, so it loads the project), for the next call.
   */
  usableClientFor(path: string): LanguageServerClient | undefined {
    const client = this.client(path);
    if (client?.usable) return client;
    void client?.ready.then(() => client.sync(path)).catch(() => {});
    return undefined;
  }

  /**
   * The file's server once it is up, waiting at most `budgetMs` for one that is starting (started now if
   * needed): undefined when it is not up in time — it goes on starting in the background for later.
   */
  async clientWithin(path: string, budgetMs: number): Promise<LanguageServerClient | undefined> {
    const client = this.client(path);
    if (!client || client.usable) return client;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, budgetMs)));
    try {
      await Promise.race([client.ready, late]);
    } catch {
      return undefined; // it failed to start
    } finally {
      clearTimeout(timer);
    }
    return client.usable ? client : undefined;
  }

  /** Ends every server now, started or still starting. */
  shutdown(): void {
    for (const client of this.clients.values()) client.kill();
    this.clients.clear();
  }

  private client(path: string): LanguageServerClient | undefined {
    const config = this.serverFor(path);
    if (!config) return undefined;
    let client = this.clients.get(config.name);
    if (!client || client.lost) {
      client = new LanguageServerClient(config, this.workspace, this.launch);
      this.clients.set(config.name, client);
    }
    return client;
  }
}

/**
 * The language servers a process's agents share, one set per workspace and `[lsp]` config. Front ends
 * own it and pass it to the agents they assemble (ToolHooks.languageServers); ending it ends them all.
 */
export class LanguageServerPool {
  private readonly byWorkspace = new Map<string, LanguageServers>();

  /** `launch`: how servers start (the sandbox's plan: confined, with its scrubbed environment). */
  constructor(private readonly launch: LanguageServerLauncher) {}

  /** The servers of a workspace for the given `[lsp]` config section. */
  forWorkspace(workspace: string, section: unknown): LanguageServers {
    const key = `${workspace}\u0000${JSON.stringify(section ?? {})}`;
    let servers = this.byWorkspace.get(key);
    if (!servers) {
      servers = new LanguageServers(workspace, languageServers(section), this.launch);
      this.byWorkspace.set(key, servers);
    }
    return servers;
  }

  /** Ends every language server of the pool now. */
  shutdown(): void {
    for (const servers of this.byWorkspace.values()) servers.shutdown();
    this.byWorkspace.clear();
  }
}

declare module "../contracts/tool.ts" {
  interface ToolHooks {
    /** The language servers of the front end (diagnostics after edits, the lsp tool); none without it. */
    languageServers?: LanguageServerPool;
  }
}
