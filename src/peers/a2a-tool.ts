import { z } from "zod";
import type { LivePeer } from "./peer-table.ts";
import type { PeerDirectory } from "./directory.ts";
import { defineTool, ToolError, type ToolContext, type ToolResult } from "../contracts/tool.ts";
import description from "./a2a-tool.txt";

/** Progress lines kept in the output: the last ones matter, the rest is on the bus. */
const PROGRESS_SHOWN = 12;
/** How long a send waits for the peer's task to end or ask for input, unless the call says otherwise. */
const DEFAULT_TIMEOUT_SECS = 1800;

// Module-level: the tool is built per agent (per task in serve); one schema object keeps its JSON schema cached.
const a2aParameters = z.object({
  action: z.enum(["list", "send"]),
  peer: z.string().optional().describe("name or URL, for send"),
  message: z.string().optional().describe("the task, for send"),
  task_id: z.string().optional().describe("continue this task of the peer"),
  timeout: z.number().int().positive().max(86_400).optional().describe(`seconds, default ${DEFAULT_TIMEOUT_SECS}`),
});

/** The `a2a` tool over `directory`: the agent factory adds it when the agent has peers to hire. */
export const a2aTool = (directory: PeerDirectory) =>
  defineTool({
    name: "a2a",
    description,
    kind: "network",
    parameters: a2aParameters,
    /** A send touches the peer it goes to; a list touches nothing. */
    async targets({ action, peer, message }) {
      if (action === "list") return [];
      const peers = await directory.livePeers();
      if (!peer || !message) throw new ToolError("send needs peer and message");
      const target = findPeer(peers, peer);
      if (!target)
        throw new ToolError(`no live peer '${peer}'; live peers: ${peers.map((p) => p.name).join(", ") || "none"}`);
      return [{ target: target.url, peer: target, message }];
    },
    async execute({ task_id, timeout }, ctx, [to]) {
      if (!to) return listPeers(await directory.livePeers());
      return send(
        directory,
        to.peer,
        to.message,
        { taskId: task_id, timeoutSecs: timeout ?? DEFAULT_TIMEOUT_SECS },
        ctx,
      );
    },
  });

function listPeers(peers: LivePeer[]): ToolResult {
  if (peers.length === 0) return { output: "No peer answers right now.", title: "0 peers" };
  const lines = peers.map(
    (p) =>
      `- ${p.name} (${p.url}): ${p.description || "no description"}; skills: ${p.skills.map((s) => s.id).join(", ") || "none"}`,
  );
  return { output: lines.join("\n"), title: `${peers.length} peer${peers.length === 1 ? "" : "s"}` };
}

function findPeer(peers: LivePeer[], wanted: string): LivePeer | undefined {
  const key = wanted.trim().replace(/\/+$/, "");
  return peers.find((p) => p.name.toLowerCase() === key.toLowerCase() || p.url === key || p.seed === key);
}

async function send(
  directory: PeerDirectory,
  peer: LivePeer,
  message: string,
  { taskId, timeoutSecs }: { taskId: string | undefined; timeoutSecs: number },
  ctx: ToolContext,
): Promise<ToolResult> {
  const { delegateTask } = await import("./delegate.ts");
  // A peer that hangs would hold the turn forever: past the limit its task is canceled like an aborted one.
  const timeLimit = AbortSignal.timeout(timeoutSecs * 1000);
  let result;
  try {
    result = await delegateTask(peer.url, message, {
      token: directory.token,
      signal: AbortSignal.any([ctx.signal, timeLimit]),
      taskId,
      onUpdate: (update) => mirror(directory, peer, update),
    });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    if (timeLimit.aborted)
      throw new ToolError(`peer ${peer.name} did not finish within ${timeoutSecs} s; its task was asked to cancel`);
    throw new ToolError(`peer ${peer.name} failed: ${(error as Error).message.split("\n")[0]}`);
  }
  const metadata = {
    peer: peer.name,
    url: peer.url,
    task_id: result.taskId,
    context_id: result.contextId,
    state: result.state,
  };
  const progress = result.progress.slice(-PROGRESS_SHOWN).map((line) => `  ${line.split("\n")[0]}`);
  const footer = `[peer ${peer.name}, task ${result.taskId}, ${result.state}]`;
  if (result.state === "completed") {
    const shown = progress.length ? `\n\nProgress:\n${progress.join("\n")}` : "";
    return {
      output: `${result.answer.trim() || "(the peer gave no answer)"}${shown}\n${footer}`,
      title: `${peer.name}: ${result.state}`,
      metadata,
    };
  }
  if (result.state === "input-required") {
    return {
      output: `The peer needs input: ${result.answer}\nAnswer with send, task_id ${result.taskId}.\n${footer}`,
      title: `${peer.name}: needs input`,
      metadata,
    };
  }
  throw new ToolError(`peer ${peer.name} ended ${result.state}: ${result.answer || "no reason given"} ${footer}`);
}

/** Mirrors the peer's progress on the local bus (`task.{id}`), where `GET /v1/bus/stream` shows it live. */
function mirror(
  directory: PeerDirectory,
  peer: LivePeer,
  update: { taskId: string; state: string; text: string; contextId: string },
): void {
  if (!directory.bus || directory.bus.closed || !update.taskId) return;
  try {
    directory.bus.publishTaskUpdate(update.taskId, { peer: peer.name, ...update });
  } catch {
    // Progress mirroring is best effort: the answer still comes back through the tool result.
  }
}
