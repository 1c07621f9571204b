import { emptyDelta, type ContextDelta, type DeltaBody } from "./checkpoint.ts";

const KEYS = ["facts", "decisions", "risks", "next_actions", "evidence"] as const;
/** What one handoff item may take: a turn's long paste is cut, not forwarded whole. */
const ITEM_CHARS = 400;
/** The most each list of the shared context keeps (the newest). */
const LIST_LIMIT: Record<(typeof KEYS)[number], number> = {
  facts: 30,
  decisions: 30,
  risks: 15,
  next_actions: 15,
  evidence: 30,
};
/** The rendered shared context stays under this; the oldest items go first. */
const HANDOFF_CHARS = 8_000;

/**
 * The delta a turn ends with: the last JSON object of its answer (fenced or not) with the five lists.
 * Undefined when the answer has none.
 */
export function parseDelta(text: string): DeltaBody | undefined {
  for (const candidate of jsonCandidates(text)) {
    try {
      const value = JSON.parse(candidate) as Record<string, unknown>;
      if (typeof value !== "object" || value === null || !KEYS.some((key) => key in value)) continue;
      const delta = emptyDelta();
      for (const key of KEYS) delta[key] = strings(value[key]);
      return delta;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** A turn that gave no delta still hands its answer on and leaves the open actions open. */
export function fallbackDelta(text: string, previous: ContextDelta | null): DeltaBody {
  const delta = emptyDelta();
  if (text.trim()) delta.facts = [clamp(text.trim())];
  delta.next_actions = previous?.delta.next_actions.length ? previous.delta.next_actions : ["continue the task"];
  return delta;
}

/**
 * The shared context after a turn: lists accumulate (duplicates once), next actions are the latest
 * turn's, and the whole is compressed to the handoff budget by dropping the oldest items.
 */
export function mergeContext(shared: DeltaBody, delta: DeltaBody): DeltaBody {
  const merged = emptyDelta();
  for (const key of KEYS) {
    const items = key === "next_actions" ? delta[key] : [...shared[key], ...delta[key]];
    merged[key] = [...new Set(items.map(clamp))].slice(-LIST_LIMIT[key]);
  }
  while (renderContext(merged).length > HANDOFF_CHARS) {
    const longest = KEYS.filter((key) => key !== "next_actions").reduce((a, b) =>
      merged[a].length >= merged[b].length ? a : b,
    );
    if (merged[longest].length === 0) break;
    merged[longest] = merged[longest].slice(1);
  }
  return merged;
}

export function renderContext(context: DeltaBody): string {
  const section = (title: string, items: string[]) =>
    items.length ? `${title}:\n${items.map((i) => `- ${i}`).join("\n")}` : "";
  return [
    section("Facts", context.facts),
    section("Decisions", context.decisions),
    section("Risks", context.risks),
    section("Evidence", context.evidence),
    section("Next actions", context.next_actions),
  ]
    .filter(Boolean)
    .join("\n\n");
}

function clamp(text: string): string {
  return text.length > ITEM_CHARS ? `${text.slice(0, ITEM_CHARS - 1)}…` : text;
}

function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((item) => (typeof item === "string" ? item : JSON.stringify(item)))
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Fenced ```json blocks last first, then the text from its last `{` that parses. */
function jsonCandidates(text: string): string[] {
  const fenced = [...text.matchAll(/```(?:json)?\s*\n([\s\S]*?)```/g)].map((m) => m[1]!.trim()).reverse();
  const braces: string[] = [];
  for (let i = text.lastIndexOf("{"); i >= 0; i = text.lastIndexOf("{", i - 1)) {
    const end = text.lastIndexOf("}");
    if (end > i) braces.push(text.slice(i, end + 1));
    if (braces.length > 20 || i === 0) break;
  }
  return [...fenced, ...braces];
}
