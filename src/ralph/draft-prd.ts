import { UserError } from "../contracts/errors.ts";
import { parsePrd, type Prd } from "./prd.ts";
import type { StoryAgent } from "./story-attempt.ts";
import { prdHeader, type PrdHeader } from "./template.ts";
import { fillTemplate } from "./prompt.ts";
import template from "./draft-prompt.md";

function draftPrompt(header: PrdHeader, stories: number | undefined): string {
  return fillTemplate(template, {
    feature: header.feature,
    project: header.project,
    count: stories ? `Exactly ${stories} stories` : "3 to 8 stories",
    checks: JSON.stringify(header.checks),
  });
}

/** The first JSON object of a model's answer (bare or in a code fence). */
export function jsonOf(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text)?.[1];
  const body = fenced ?? text;
  const start = body.indexOf("{");
  const end = body.lastIndexOf("}");
  if (start < 0 || end < start) throw new Error("the answer holds no JSON object");
  return JSON.parse(body.slice(start, end + 1));
}

async function ask(agent: StoryAgent, prompt: string, signal: AbortSignal): Promise<string> {
  let text = "";
  let failure = "";
  for await (const event of agent.run(prompt, { signal })) {
    if (event.type === "error") failure = event.message;
    if (event.type === "finish") {
      if (event.reason !== "stop")
        throw new UserError(`the model did not finish the PRD (${event.reason}${failure ? `: ${failure}` : ""})`);
      text = event.text;
    }
  }
  return text;
}

/**
 * create-prd with a model: a read-only agent looks at the codebase and drafts the stories as JSON; an
 * answer that is not a valid PRD gets one repair prompt naming what is wrong.
 */
export async function draftPrd(
  agent: StoryAgent,
  header: PrdHeader,
  stories: number | undefined,
  signal: AbortSignal,
): Promise<Prd> {
  const build = (text: string): Prd => {
    const drafted = jsonOf(text) as Record<string, unknown>;
    return parsePrd(
      {
        ...prdHeader(header),
        technical_requirements: drafted.technical_requirements ?? [],
        user_stories: drafted.user_stories,
      },
      "drafted PRD",
    );
  };
  let answer = await ask(agent, draftPrompt(header, stories), signal);
  try {
    return build(answer);
  } catch (error) {
    answer = await ask(
      agent,
      `That is not a valid PRD: ${(error as Error).message}. Answer again with the corrected JSON object only.`,
      signal,
    );
  }
  try {
    return build(answer);
  } catch (error) {
    throw new UserError(`the model's PRD is invalid after one repair: ${(error as Error).message} (try --template)`);
  }
}
