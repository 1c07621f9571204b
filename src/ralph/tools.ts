import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import type { BusHandle } from "../bus/bus-handle.ts";
import { defineTool, ToolError, type Tool, type ToolContext } from "../contracts/tool.ts";
import { errorMessage } from "../contracts/errors.ts";
import { pathTarget } from "../tool/workspace-path.ts";
import { loadPrd, parsePrd, savePrd, type Prd } from "./prd.ts";
import { detectProject } from "./project-checks.ts";
import { isRunning, prdIdOf, readStatus } from "./status.ts";
import type { CreateStoryAgent } from "./story-attempt.ts";
import { projectNameOf, templatePrd } from "./template.ts";
import prdDescription from "./prd-tool.txt";
import ralphDescription from "./ralph-tool.txt";

const PRD = "prd.json";

/** A PRD as the model reads it: compact, one line a story. */
function describePrd(prd: Prd): string {
  const stories = prd.user_stories.map(
    (s) =>
      `${s.passes ? "[x]" : "[ ]"} ${s.id} ${s.title} (priority ${s.priority}, complexity ${s.complexity}${s.depends_on.length ? `, after ${s.depends_on.join(", ")}` : ""})`,
  );
  return `${prd.project}: ${prd.feature} (branch ${prd.branch_name})\nquality checks: ${JSON.stringify(prd.quality_checks)}\n${stories.join("\n")}`;
}

/** Never a stack trace to the model: bad PRDs and git problems are one line it can act on. */
async function asToolError<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ToolError) throw error;
    throw new ToolError(errorMessage(error));
  }
}

// Module-level: the tool is built per agent (per task in serve); one schema object keeps its JSON schema cached.
const prdParameters = z.object({
  action: z.enum(["create", "show", "update_story"]),
  path: z.string().optional(),
  feature: z.string().optional(),
  story_id: z.string().optional(),
  story: z.record(z.string(), z.unknown()).optional(),
});

/** `prd`: create a PRD from the template (quality checks detected from the project), show it, add or change a story. */
const prdTool = () =>
  defineTool({
    name: "prd",
    description: prdDescription,
    kind: "edit",
    parameters: prdParameters,
    targets: ({ action, path = PRD }, ctx) => {
      const target = pathTarget(ctx.workspace, path);
      return action === "show" && !target.external ? [] : [target];
    },
    async execute(args, ctx) {
      const target = pathTarget(ctx.workspace, args.path ?? PRD);
      return asToolError(() => {
        if (args.action === "show") return { output: describePrd(loadPrd(target.absolute)), title: target.display };
        if (args.action === "create") {
          if (!args.feature) throw new ToolError("create needs feature");
          if (existsSync(target.absolute)) throw new ToolError(`${target.display} exists; show or update_story it`);
          const root = dirname(target.absolute);
          const project = detectProject(root);
          const prd = templatePrd({ project: projectNameOf(root), feature: args.feature, checks: project.checks }, 1);
          savePrd(target.absolute, prd);
          return {
            output: `created ${target.display} (${project.kind} project)\n${describePrd(prd)}`,
            title: target.display,
          };
        }
        if (!args.story_id || !args.story) throw new ToolError("update_story needs story_id and story");
        const prd = loadPrd(target.absolute);
        const index = prd.user_stories.findIndex((s) => s.id === args.story_id);
        const current = index >= 0 ? prd.user_stories[index] : { id: args.story_id };
        const stories: unknown[] = [...prd.user_stories];
        stories.splice(index >= 0 ? index : stories.length, index >= 0 ? 1 : 0, {
          ...current,
          ...args.story,
          id: args.story_id,
        });
        // Validated as a whole: a bad field, an unknown dependency or a cycle is refused before anything is written.
        savePrd(target.absolute, parsePrd({ ...prd, user_stories: stories }, target.display));
        return {
          output: `${index >= 0 ? "updated" : "added"} ${args.story_id}\n${describePrd(loadPrd(target.absolute))}`,
          title: target.display,
        };
      });
    },
  });

export interface RalphToolOptions {
  /**
   * A fresh agent for each story, assembled as the prepared agent that holds this tool (its profile, rules and
   * asks) — not narrowed to a `task` sub-agent's profile when one of those calls the tool.
   */
  createAgent: CreateStoryAgent;
  bus?: BusHandle;
}

// Module-level: the tool is built per agent (per task in serve); one schema object keeps its JSON schema cached.
const ralphParameters = z.object({
  action: z.enum(["run", "status"]),
  prd_path: z.string().optional(),
  max_iterations: z.number().int().positive().optional(),
});

/** `ralph`: runs the loop on a PRD (stories by fresh agents, gated by the project's checks) or reports its status. */
const ralphTool = (options: RalphToolOptions) =>
  defineTool({
    name: "ralph",
    description: ralphDescription,
    kind: "execute",
    parameters: ralphParameters,
    targets: ({ action, prd_path = PRD }, ctx) => {
      const target = pathTarget(ctx.workspace, prd_path);
      return action === "status" && !target.external ? [] : [{ ...target, target: `ralph run ${target.absolute}` }];
    },
    async execute(args, ctx) {
      const path = pathTarget(ctx.workspace, args.prd_path ?? PRD).absolute;
      const dataDir = ctx.dataDir;
      if (!dataDir) throw new ToolError("ralph needs the data directory, which this agent has not");
      if (args.action === "status")
        return asToolError(() => ({ output: statusText(path, dataDir), title: args.prd_path ?? PRD }));
      return runFromTool(path, dataDir, args.max_iterations ?? 10, ctx, options);
    },
  });

function statusText(path: string, dataDir: string): string {
  const prd = loadPrd(path);
  const prdId = prdIdOf(path);
  const status = readStatus(dataDir, prdId);
  const state = !status
    ? "not started"
    : status.status === "running" && !isRunning(dataDir, prdId)
      ? "stopped"
      : status.status;
  return `status: ${state}${status ? ` after ${status.iterations} iterations` : ""}\n${describePrd(prd)}`;
}

async function runFromTool(
  path: string,
  dataDir: string,
  maxIterations: number,
  ctx: ToolContext,
  options: RalphToolOptions,
) {
  if (!ctx.commands) throw new ToolError("ralph needs the sandbox to run the quality gates, which this agent has not");
  const lines: string[] = [];
  const { runRalph } = await import("./loop.ts");
  const outcome = await asToolError(() =>
    runRalph({
      prdPath: path,
      dataDir,
      maxIterations,
      maxQualityRetries: 2,
      commit: true,
      parallel: 1,
      createAgent: options.createAgent,
      runner: ctx.commands!,
      signal: ctx.signal,
      bus: options.bus,
      onEvent: (event) => {
        if (event.type === "story_passed")
          lines.push(`${event.story_id} passed${event.commit ? ` (${event.commit})` : ""}`);
        if (event.type === "story_failed") lines.push(`${event.story_id} failed: ${event.reason}`);
      },
    }),
  );
  return {
    output: `ralph ${outcome.status}: ${outcome.passed}/${outcome.total} stories pass after ${outcome.iterations} iterations\n${lines.join("\n")}\n\n${statusText(path, dataDir)}`,
    title: `${outcome.status} ${outcome.passed}/${outcome.total}`,
    metadata: { status: outcome.status, prd_id: outcome.prdId },
  };
}

/** The orchestration tools of Ralph, for prepareAgent. */
export const ralphTools = (options: RalphToolOptions): Tool[] => [prdTool() as Tool, ralphTool(options) as Tool];
