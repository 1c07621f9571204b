/** A slash command as listed by /help and completed as you type. */
export interface SlashCommand {
  name: string;
  args?: string;
  description: string;
}

export const SLASH_COMMANDS: readonly SlashCommand[] = [
  { name: "help", description: "keys and commands (also: ? on an empty prompt)" },
  {
    name: "model",
    args: "[provider/model]",
    description: "choose the model (also Ctrl+O)",
  },
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
  { name: "clear", description: "clear the screen and start a new session" },
  {
    name: "undo",
    args: "[n]",
    description: "put back the files the agent edited in the last n turns (not commands' changes)",
  },
  { name: "copy", description: "copy the last answer to the clipboard" },
  { name: "expand", description: "show the last command's whole output" },
  { name: "init", description: "have the agent explore the project and write AGENTS.md for you to review" },
  { name: "quit", description: "leave (also /exit; Ctrl+C twice)" },
  { name: "exit", description: "leave (Ctrl+C twice does too)" },
  { name: "go", args: "<task> | --resume <run>", description: "draft an OKR, approve it (A/D), run it as a relay" },
  { name: "autochat", args: "[N] <task>", description: "a relay of N agents (default 3) on the task" },
  {
    name: "swarm",
    args: "[task]",
    description: "split a task over parallel sub-agents (Ctrl+S or F2: their live view)",
  },
  { name: "ralph", args: "[prd.json]", description: "run the PRD's stories, a fresh agent each (Ralph view)" },
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
