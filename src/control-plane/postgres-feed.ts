import { randomUUID } from "node:crypto";
import type { Client, ClientConfig, Pool } from "pg";
import type { ControlPlaneFeed, FeedMessage } from "./feed.ts";
import { endWithin } from "../postgres/connect.ts";

const RECONNECT_MS = 1000;

/**
 * The control plane's feed over PostgreSQL LISTEN/NOTIFY (no message bus needed): a connection of its
 * own (made like the pool's, outside it) listens on a channel of the store's schema; messages are sent
 * through the pool one after another, so each sender's arrive in order. When the listening connection is
 * lost, it is re-opened and subscribers are told of an offer (streams then look again); notices lost
 * meanwhile are what `pollMs` covers.
 */
export class PostgresFeed implements ControlPlaneFeed {
  readonly #id = randomUUID();
  readonly #listeners: Array<(message: FeedMessage) => void> = [];
  #client: Client | undefined;
  #sending: Promise<unknown> = Promise.resolve();
  #closed = false;
  #retry: NodeJS.Timeout | undefined;

  private constructor(
    private readonly pool: Pool,
    private readonly connect: () => Client,
    private readonly channel: string,
    readonly pollMs: number,
    private readonly log: (line: string) => void,
  ) {}

  static async open(pool: Pool, options: { pollMs: number; log: (line: string) => void }): Promise<PostgresFeed> {
    const { default: pg } = await import("pg");
    const { rows } = await pool.query<{ schema: string }>("SELECT current_schema() AS schema");
    // NOTIFY reaches the whole database: the channel names the schema, so stores in other schemas stay apart.
    const channel = `codetether_cp_${rows[0]!.schema}`.slice(0, 63);
    // The pool's own settings (URL, search_path); `pool.options` is public in pg, only not typed.
    const config = (pool as Pool & { options: ClientConfig }).options;
    const feed = new PostgresFeed(pool, () => new pg.Client(config), channel, options.pollMs, options.log);
    await feed.#listen();
    return feed;
  }

  publish(message: FeedMessage): void {
    const payload = JSON.stringify({ ...message, from: this.#id });
    this.#sending = this.#sending
      .then(() => this.pool.query("SELECT pg_notify($1, $2)", [this.channel, payload]))
      .catch((error: Error) => this.log(`could not tell other replicas of a worker task change: ${error.message}`));
  }

  subscribe(listener: (message: FeedMessage) => void): void {
    this.#listeners.push(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.#sending;
    const client = this.#client;
    this.#client = undefined;
    if (client) await endWithin(client.end());
  }

  async #listen(): Promise<void> {
    const client = this.connect();
    client.on("error", (error) => this.#lost(client, error));
    await client.connect().catch(async (error: Error) => {
      await client.end().catch(() => undefined);
      throw error;
    });
    client.on("notification", (notice) => {
      if (notice.channel !== this.channel || !notice.payload) return;
      const { from, ...message } = JSON.parse(notice.payload) as FeedMessage & { from: string };
      if (from !== this.#id) this.#tell(message as FeedMessage);
    });
    await client.query(`LISTEN "${this.channel.replaceAll('"', '""')}"`);
    this.#client = client;
  }

  #lost(client: Client, error: Error): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    void client.end().catch(() => undefined);
    if (this.#closed) return;
    this.log(`lost the PostgreSQL connection listening for other replicas: ${error.message}; reconnecting`);
    const reconnect = () => {
      this.#retry = undefined;
      if (this.#closed) return;
      this.#listen()
        .then(() => this.#tell({ kind: "offer" }))
        .catch(() => (this.#retry = setTimeout(reconnect, RECONNECT_MS).unref()));
    };
    this.#retry = setTimeout(reconnect, RECONNECT_MS).unref();
  }

  #tell(message: FeedMessage): void {
    for (const listener of this.#listeners) listener(message);
  }
}
