import { BusError } from "./errors.ts";

/** Builders for the seed's topic names; ids must be single tokens (no dots, spaces or wildcards). */
export const topics = {
  agent: (agentId: string) => `agent.${token(agentId, "agent id")}`,
  agentEvents: (agentId: string) => `agent.${token(agentId, "agent id")}.events`,
  task: (taskId: string) => `task.${token(taskId, "task id")}`,
  swarm: (swarmId: string) => `swarm.${token(swarmId, "swarm id")}`,
  relay: (relayId: string) => `relay.${token(relayId, "relay id")}`,
  /** Requests to one serve replica (e.g. to cancel or answer a task it runs). */
  replica: (replicaId: string) => `replica.${token(replicaId, "replica id")}`,
  broadcast: "broadcast",
  /** Result keys may be dotted (`results.swarm.abc`): each part is a token. */
  result: (key: string) => `results.${assertTopic(key)}`,
  tool: (name: string) => `tools.${token(name, "tool name")}`,
} as const;

export const RESULTS_PREFIX = "results.";

const INVALID_TOKEN = /[\s.*>]/;

function token(value: string, what: string): string {
  if (value === "" || INVALID_TOKEN.test(value)) {
    throw new BusError(`invalid ${what} '${value}': it must be non-empty without dots, spaces, '*' or '>'`);
  }
  return value;
}

const VALID_TOPIC = /^[^\s.*>\x00-\x1f\x7f]+(?:\.[^\s.*>\x00-\x1f\x7f]+)*$/;
/** Longest topic or pattern: subjects are names, and they are quoted in errors and logs. */
const MAX_TOPIC_LENGTH = 256;

/** A topic as an error quotes it: escaped (no control character reaches a log) and cut short. */
function shown(topic: string): string {
  const cut = topic.length > 60 ? `${topic.slice(0, 59)}…` : topic;
  return JSON.stringify(cut).slice(1, -1);
}

/** A concrete topic to publish on: dot-separated non-empty tokens, no wildcards, spaces or control characters. */
export function assertTopic(topic: string): string {
  if (topic.length > MAX_TOPIC_LENGTH || !VALID_TOPIC.test(topic)) {
    throw new BusError(
      `invalid topic '${shown(topic)}': at most ${MAX_TOPIC_LENGTH} characters, tokens non-empty without spaces, control characters or wildcards`,
    );
  }
  return topic;
}

/** A subscription pattern: like a topic, but a token may be `*` and the last token may be `>`. */
export function assertPattern(pattern: string): string {
  if (pattern.length > MAX_TOPIC_LENGTH) throw new BusError(`invalid subscription pattern '${shown(pattern)}'`);
  const parts = pattern.split(".");
  parts.forEach((part, index) => {
    const wildcard = part === "*" || (part === ">" && index === parts.length - 1);
    if (!wildcard && (part === "" || /[\s*>\x00-\x1f\x7f]/.test(part))) {
      throw new BusError(`invalid subscription pattern '${shown(pattern)}'`);
    }
  });
  return pattern;
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes(">");
}

/** NATS subject matching: `*` is exactly one token, a final `>` is one or more tokens. */
export function patternMatcher(pattern: string): (topicTokens: readonly string[]) => boolean {
  const parts = pattern.split(".");
  const tail = parts[parts.length - 1] === ">";
  const fixed = tail ? parts.length - 1 : parts.length;
  return (tokens) => {
    if (tail ? tokens.length <= fixed : tokens.length !== fixed) return false;
    for (let i = 0; i < fixed; i++) {
      if (parts[i] !== "*" && parts[i] !== tokens[i]) return false;
    }
    return true;
  };
}
