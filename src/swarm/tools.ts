import { z } from "zod";
import type { AgentBus } from "../bus/agent-bus.ts";
import type { AgentRegistry } from "../bus/agent-registry.ts";
import type { BusHandle } from "../bus/bus-handle.ts";
import { topics } from "../bus/topics.ts";
import { defineTool, ToolError, type Tool } from "../contracts/tool.ts";
import type { SwarmHost } from "./run-subtask.ts";
import { STRATEGIES, type SwarmResult } from "./types.ts";
import swarmDescription from "./swarm-tool.txt";
import shareDescription from "./swarm-share-tool.txt";

/** The agent a `swarm` call runs its sub-agents through: the calling agent (its workspace comes per call). */
export type SwarmAgent = () => Omit<SwarmHost, "workspace">;

/** A swarm started from a tool call is kept smaller than the CLI's by default: the model pays for each. */
const TOOL_DEFAULTS = { maxSubagents: 10, concurrency: 8, maxSteps: 100, timeoutSecs: 300 };

/** `swarm` always; `swarm_share` when the agent is on a bus. Added to every agent by the factory. */
export function swarmTools(agent: SwarmAgent, bus: BusHandle | undefined, registry?: AgentRegistry): Tool[] {
  return [swarmTool(agent, bus?.bus, registry), ...(bus ? [swarmShareTool(bus)] : [])] as Tool[];
}

// Module-level: the tool is built per agent (per task in serve); one schema object keeps its JSON schema cached.
const swarmParameters = z.object({
  task: z.string().min(1),
  strategy: z.enum(STRATEGIES as [string, ...string[]]).optional(),
  max_subagents: z.number().int().optional(),
});

function swarmTool(agent: SwarmAgent, bus: AgentBus | undefined, registry: AgentRegistry | undefined) {
  return defineTool({
    name: "swarm",
    description: swarmDescription,
    kind: "other",
    parameters: swarmParameters,
    // Starting a swarm touches nothing itself: every sub-agent's action passes this agent's permission gate.
    async execute({ task, strategy, max_subagents }, ctx) {
      if (!ctx.dataDir) throw new ToolError("swarm needs a data directory");
      const [{ runSwarm }, { SwarmStore }] = await Promise.all([import("./engine.ts"), import("./swarm-store.ts")]);
      const parent = agent();
      const host: SwarmHost = {
        ...parent,
        session: parent.store.get(ctx.sessionId) ?? parent.session,
        authorize: ctx.authorize,
        workspace: ctx.workspace,
      };
      let swarmId = "";
      const result = await runSwarm({
        host,
        store: SwarmStore.open(ctx.dataDir),
        task,
        settings: {
          ...TOOL_DEFAULTS,
          strategy: (strategy ?? "auto") as (typeof STRATEGIES)[number],
          maxSubagents: Math.min(Math.max(max_subagents ?? TOOL_DEFAULTS.maxSubagents, 1), 100),
          model: parent.model.ref,
        },
        signal: ctx.signal,
        bus,
        registry,
        onCreated: (record) => (swarmId = record.id),
      });
      return {
        output: toolOutput(swarmId, result),
        title: `swarm ${swarmId}: ${result.stats.subagents_completed}/${result.subtask_results.length} subtasks`,
        metadata: { swarm_id: swarmId, success: result.success, stats: result.stats },
      };
    },
  });
}

function toolOutput(swarmId: string, result: SwarmResult): string {
  const lines = result.subtask_results.map((r) => {
    const merge = r.conflicts ? `, merge conflict in ${r.conflicts.join(", ")} (kept on ${r.branch})` : "";
    return `- ${r.subtask_id} ${r.name}: ${r.success ? "ok" : "FAILED"}${merge}`;
  });
  return `${result.result}\n\n[swarm ${swarmId}: ${result.success ? "succeeded" : "did not fully succeed"}]\n${lines.join("\n")}`;
}

interface SharedValue {
  value: string;
  tags: string[];
}

// Module-level: the tool is built per agent (per task in serve); one schema object keeps its JSON schema cached.
const shareParameters = z.object({
  action: z.enum(["publish", "get", "list"]),
  key: z.string().optional().describe("dotted key, e.g. api.schema"),
  value: z.string().optional().describe("for publish; JSON as text if structured"),
  tags: z.array(z.string()).optional(),
});

function swarmShareTool(handle: BusHandle) {
  // The keys heard on `results.>` since the first call, with their tags, for `list`.
  let index: Map<string, string[]> | undefined;
  const listen = () => {
    if (index) return index;
    const heard = (index = new Map());
    handle.bus.subscribe("results.>", {
      onDelivery: (delivery) => {
        if ("topic" in delivery && delivery.kind === "result")
          heard.set(delivery.topic.slice("results.".length), (delivery.payload as SharedValue).tags ?? []);
      },
    });
    return heard;
  };
  return defineTool({
    name: "swarm_share",
    description: shareDescription,
    kind: "other",
    parameters: shareParameters,
    async execute({ action, key, value, tags }, ctx) {
      const heard = listen();
      if (action === "list") {
        const keys = [...heard].filter(([, t]) => !tags?.length || tags.some((tag) => t.includes(tag)));
        return { output: keys.map(([k, t]) => `${k}${t.length ? ` [${t.join(", ")}]` : ""}`).join("\n") || "(none)" };
      }
      if (!key) throw new ToolError(`${action} needs a key`);
      let topic: string;
      try {
        topic = topics.result(key);
      } catch (error) {
        throw new ToolError((error as Error).message);
      }
      if (action === "publish") {
        if (value === undefined) throw new ToolError("publish needs a value");
        handle.publish<SharedValue>({
          topic,
          kind: "result",
          payload: { value, tags: tags ?? [] },
          correlation: { session_id: ctx.sessionId },
        });
        heard.set(key, tags ?? []);
        return { output: `published ${key}`, title: key };
      }
      const found = await handle.bus.getResult<SharedValue>(key);
      if (!found) return { output: `no value published under ${key}`, title: key };
      return {
        output: `${String(found.payload.value)}\n[from ${found.correlation?.session_id ? `session ${found.correlation.session_id}` : found.sender}]`,
        title: key,
      };
    },
  });
}
