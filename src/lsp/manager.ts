import { extname } from "node:path";
import { LanguageServerClient } from "./client.ts";
import { languageServers, type LanguageServerConfig } from "./config.ts";

/**
 * The language servers of one workspace, started lazily on the first file that needs one and kept for
 * the life of the process (killed on exit).
 */
export class LanguageServers {
  private readonly clients = new Map<string, Promise<LanguageServerClient>>();

  constructor(
    readonly workspace: string,
    readonly servers: LanguageServerConfig[],
  ) {}

  /** The configured server for a file, by extension. */
  serverFor(path: string): LanguageServerConfig | undefined {
    const extension = extname(path).toLowerCase();
    return this.servers.find((s) => s.extensions.includes(extension));
  }

  /** The running client for a file's server (started now if needed); undefined when none handles it. */
  async clientFor(path: string): Promise<LanguageServerClient | undefined> {
    const config = this.serverFor(path);
    if (!config) return undefined;
    let client = this.clients.get(config.name);
    const current = client && (await client.catch(() => undefined));
    if (!client || (current && !current.alive)) {
      client = LanguageServerClient.start(config, this.workspace);
      this.clients.set(config.name, client);
      client.then(track, () => {});
    }
    return client;
  }

  async shutdown(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((c) => c.then((client) => client.shutdown(), () => {})));
  }
}

const byWorkspace = new Map<string, LanguageServers>();
const running = new Set<LanguageServerClient>();

/** The servers of a workspace for the given `[lsp]` config section (one set per workspace and config). */
export function languageServersFor(workspace: string, section: unknown): LanguageServers {
  const key = `${workspace}\u0000${JSON.stringify(section ?? {})}`;
  let servers = byWorkspace.get(key);
  if (!servers) {
    servers = new LanguageServers(workspace, languageServers(section));
    byWorkspace.set(key, servers);
  }
  return servers;
}

/** Shuts every language server of this process down (front ends call it when they finish). */
export async function shutdownLanguageServers(): Promise<void> {
  const all = [...byWorkspace.values()];
  byWorkspace.clear();
  await Promise.all(all.map((s) => s.shutdown()));
}

function track(client: LanguageServerClient): void {
  if (running.size === 0) process.once("exit", () => running.forEach((c) => c.kill()));
  running.add(client);
}
