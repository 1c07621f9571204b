/** A2A-like description of an agent, as the registry tracks it. */
export interface AgentSkill {
  id: string;
  name: string;
  tags?: string[];
}

export interface AgentCard {
  name: string;
  description: string;
  url: string;
  skills: AgentSkill[];
  /** Learned from another registry over the bus rather than registered here. */
  remote?: boolean;
  /** ISO 8601: registration, or the last heartbeat/announcement seen. */
  lastSeen: string;
}

export type AgentCardInit = Omit<AgentCard, "lastSeen" | "remote">;

export interface EphemeralCardInit {
  description?: string;
  skills?: AgentSkill[];
}

/** A card for a short-lived local sub-agent, addressed as `bus://local/{name}`. */
export function ephemeralCard(name: string, init: EphemeralCardInit = {}): AgentCardInit {
  return {
    name,
    description: init.description ?? `ephemeral sub-agent ${name}`,
    url: `bus://local/${encodeURIComponent(name)}`,
    skills: init.skills ?? [],
  };
}
