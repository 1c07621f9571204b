import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { prepareAgent } from "../../app/agent-factory.ts";
import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { UserError } from "../../contracts/errors.ts";
import { autoApproveAsk } from "../../permission/auto-approve.ts";
import { draftPrd } from "../../ralph/draft-prd.ts";
import { savePrd, type Prd } from "../../ralph/prd.ts";
import { detectProject } from "../../ralph/project-checks.ts";
import { projectNameOf, templatePrd } from "../../ralph/template.ts";
import { printJson } from "../output.ts";
import { watchRunStops } from "../run/run-stops.ts";
import { printWarning } from "../output.ts";

export interface CreatePrdOptions {
  config?: string;
  feature: string;
  projectName?: string;
  out: string;
  stories?: number;
  model?: string;
  template?: boolean;
  force?: boolean;
  json?: boolean;
}

/** `codetether ralph create-prd`: a template, or stories a read-only agent drafts from the codebase. */
export async function createPrdAction(options: CreatePrdOptions): Promise<void> {
  const out = resolve(options.out);
  if (existsSync(out) && !options.force) throw new UserError(`${options.out} exists; use --force to overwrite it`);
  if (!options.feature.trim()) throw new UserError("--feature must not be empty");
  const root = dirname(out);
  const project = detectProject(root);
  const header = {
    project: options.projectName ?? projectNameOf(root),
    feature: options.feature,
    checks: project.checks,
  };
  let prd: Prd;
  if (options.template) prd = templatePrd(header, options.stories ?? 1);
  else {
    const { config } = loadConfig(options.config);
    // Drafting only reads: the explore profile offers only the read and search tools, and denies edits and commands.
    const agent = await prepareAgent({
      config,
      dataDir: dataDir(),
      workspace: root,
      modelRef: options.model,
      agent: "explore",
      ask: autoApproveAsk("safe"),
      onWarning: printWarning,
    });
    const stops = watchRunStops(() => process.exit(130));
    if (!options.json) process.stderr.write(`drafting stories for "${options.feature}" with ${agent.model.ref}…\n`);
    try {
      prd = await draftPrd(agent, header, options.stories, stops.controller.signal);
    } finally {
      stops.dispose();
      await agent.close();
    }
  }
  savePrd(out, prd);
  if (options.json) return printJson({ path: out, project_kind: project.kind, prd });
  const checks = Object.entries(prd.quality_checks).map(([gate, command]) => `${gate}: ${String(command)}`);
  process.stdout.write(
    `wrote ${options.out}: ${prd.user_stories.length} ${prd.user_stories.length === 1 ? "story" : "stories"}, branch ${prd.branch_name}\n` +
      `project: ${project.kind}; quality checks: ${checks.length ? checks.join(", ") : "none detected (add quality_checks by hand)"}\n` +
      `next: edit the stories, then run: codetether ralph run${options.out === "prd.json" ? "" : ` -p ${options.out}`}\n`,
  );
}
