import { UserError } from "../contracts/errors.ts";
import type { RelayAgent } from "./checkpoint.ts";

export const DEFAULT_AGENTS = 3;
export const MAX_AGENTS = 8;
export const DEFAULT_ROUNDS = 3;

/** The relay's roles in turn order; a relay of N agents takes the first N. */
const PERSONAS: Array<Omit<RelayAgent, "profile">> = [
  {
    name: "planner",
    persona: "You plan: break the task into concrete steps, decide the approach, name what must be checked.",
  },
  {
    name: "implementer",
    persona: "You implement: make the changes the plan calls for, using the tools, and report what you changed.",
  },
  {
    name: "reviewer",
    persona: "You review: verify the work (read it, run the checks), name defects and risks, say what is left.",
  },
  { name: "tester", persona: "You test: add or run tests that prove the work, and report their results as evidence." },
  { name: "researcher", persona: "You research: find the facts the others need in the code and the docs." },
  { name: "fixer", persona: "You fix: resolve the defects and risks the reviewers found." },
  { name: "documenter", persona: "You document: update the docs and examples to match the work." },
  { name: "integrator", persona: "You integrate: check that the pieces fit together and that nothing is left open." },
];

/**
 * N relay members on the given agent profile (a relay member never gets more permission than the agent
 * that started it); `models`, when given, are dealt out to the members in turn.
 */
export function relayAgents(count: number, profile: string, models: string[] = []): RelayAgent[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_AGENTS)
    throw new UserError(`a relay has 1 to ${MAX_AGENTS} agents, got ${count}`, 2);
  return PERSONAS.slice(0, count).map((persona, i) => ({
    ...persona,
    profile,
    ...(models.length ? { model: models[i % models.length] } : {}),
  }));
}
