import { completeSlash } from "../commands/slash-commands.ts";
import { tokenAtCursor } from "./editor.ts";
import type { Completion, PromptState } from "./prompt-keys.ts";

/**
 * The slash commands on offer for a prompt that is a `/command` being typed (alone, at its start), or
 * undefined for any other prompt. Computed with the key that typed it, not later: letters and Enter
 * arriving in one read (typing over ssh, a paste) must run the command typed, not the one highlighted
 * before the letters. A prompt recalled from history offers none, so ↑/↓ go on through the history.
 */
export function slashCompletions(state: PromptState): Completion[] | undefined {
  const { token, start } = tokenAtCursor(state.editor);
  if (state.recalled || !token.startsWith("/") || start !== 0 || state.editor.text.includes(" ")) return undefined;
  return completeSlash(token).map((c) => ({
    value: `/${c.name}${c.args ? " " : ""}`,
    label: `/${c.name}`,
    hint: c.description,
  }));
}
