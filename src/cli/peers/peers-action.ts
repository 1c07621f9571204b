import type { AgentCard } from "../../bus/agent-card.ts";
import { dataDir } from "../../config/paths.ts";
import { describeFetchError } from "../../peers/peer-card.ts";
import { resolvePeerToken } from "../../peers/peer-token.ts";
import { UserError } from "../../contracts/errors.ts";
import { age, painter, printJson } from "../output.ts";

export interface PeersCliOptions {
  url: string;
  token?: string;
  json?: boolean;
}

/** `codetether peers`: the registry of a serve or spawned peer, from its authenticated `GET /v1/agents`. */
export async function peersAction(options: PeersCliOptions): Promise<void> {
  const origin = originOf(options.url);
  const token = resolvePeerToken({ explicit: options.token, dataDir: dataDir() });
  let response: Response;
  try {
    response = await fetch(`${origin}/v1/agents`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    const reason = describeFetchError(error);
    throw new UserError(
      `cannot reach ${origin}: ${reason}${reason === "connection refused" ? " (is codetether serve or spawn running there?)" : ""}`,
    );
  }
  if (response.status === 401)
    throw new UserError(`${origin} refused the token: pass --token or set CODETETHER_PEER_TOKEN`);
  if (!response.ok) throw new UserError(`${origin}/v1/agents answered HTTP ${response.status}`);
  const { agents } = (await response.json()) as { agents: AgentCard[] };
  if (options.json) return printJson({ url: origin, agents });
  printAgents(agents);
}

function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error();
    return parsed.origin;
  } catch {
    throw new UserError(`invalid --url '${url}': use e.g. http://127.0.0.1:4096`);
  }
}

function printAgents(agents: AgentCard[]): void {
  if (agents.length === 0) return void process.stdout.write("no agents\n");
  const paint = painter(process.stdout);
  const rows = agents.map((a) => [
    a.name,
    a.remote ? "remote" : "local",
    a.url,
    a.skills.map((s) => s.id).join(",") || "-",
    age(Date.parse(a.lastSeen)),
  ]);
  const header = ["NAME", "WHERE", "URL", "SKILLS", "SEEN"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ");
  process.stdout.write(`${paint("dim", line(header))}\n${rows.map(line).join("\n")}\n`);
}
