/** A slash command as listed by /help and completed as you type. */
export interface SlashCommand {
  name: string;
  args?: string;
  description: string;
  /** Set for commands whose feature has not landed yet: they are listed, and say so when run. */
  coming?: string;
}

export const SLASH_COMMANDS: readonly SlashCommand[] = [
  { name: "help", description: "keys and commands (also: ? on an empty prompt)" },
  { name: "model", args: "[provider/model]", description: "choose the model (Ctrl+M where the terminal tells it from Enter)" },
  { name: "sessions", description: "this directory's sessions: pick one to resume" },
  { name: "resume", args: "[id]", description: "resume a session by id (prefix works), or pick one" },
  { name: "new", description: "start a new session" },
  { name: "view", args: "[chat|inspector]", description: "switch the main view (cycles without an argument)" },
  { name: "webview", description: "card layout with a header (Ctrl+B toggles)" },
  { name: "classic", description: "compact plain transcript (Ctrl+B toggles)" },
  { name: "inspector", description: "the raw event and tool timeline of this session" },
  { name: "refresh", description: "clear the screen and redraw the conversation" },
  { name: "theme", args: "[name]", description: "switch theme (saved to config.toml [ui] theme)" },
  { name: "compact", description: "summarise older turns now to free context" },
  { name: "cost", description: "tokens and cost of this session" },
  { name: "agent", args: "[name]", description: "switch agent (Tab cycles build/plan/…)" },
  { name: "quit", description: "leave (Ctrl+C twice does too)" },
  { name: "go", description: "strategic OKR execution with approval", coming: "arrives with the OKR feature" },
  { name: "autochat", description: "autonomous multi-turn relay", coming: "arrives with the relay feature" },
  { name: "swarm", description: "parallel sub-agents with a live view", coming: "arrives with the swarm feature" },
  { name: "ralph", description: "PRD-driven autonomous loop", coming: "arrives with the Ralph feature" },
];

/** Commands whose name starts with what follows the slash (all of them for a bare `/`). */
export function completeSlash(typed: string): SlashCommand[] {
  const prefix = typed.replace(/^\//, "").toLowerCase();
  return SLASH_COMMANDS.filter((c) => c.name.startsWith(prefix));
}

/** `/name args…` → its parts; undefined for text that is not a slash command. */
export function parseSlash(text: string): { name: string; args: string } | undefined {
  const match = /^\/([a-z-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  return match ? { name: match[1]!, args: (match[2] ?? "").trim() } : undefined;
}
