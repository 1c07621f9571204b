import type { Layout } from "../chat/entry-view.tsx";
import type { TuiSession } from "../session/tui-session.ts";
import type { ThemeStore } from "../theme/theme-store.ts";
import { isView, VIEWS, type ViewId } from "../views/view-ids.ts";
import { compactNumber, dollars } from "../components/format.ts";
import { SLASH_COMMANDS } from "./slash-commands.ts";

export type Overlay = "none" | "help" | "model" | "sessions" | "themes";

/** What slash commands may do to the UI around the session. */
export interface CommandContext {
  session: TuiSession;
  themes: ThemeStore;
  setLayout(layout: Layout): void;
  /** undefined cycles to the next view. */
  setView(view: ViewId | undefined): void;
  openOverlay(overlay: Overlay): void;
  quit(): void;
}

/** Runs `/name args`; unknown and not-yet-available commands say so in the transcript. */
export async function runSlashCommand(name: string, args: string, ctx: CommandContext): Promise<void> {
  const { session } = ctx;
  const command = SLASH_COMMANDS.find((c) => c.name === name);
  if (!command) return session.info(`unknown command /${name} (type / to see them, ? for help)`, "warning");
  if (command.coming) return session.info(`/${name} is coming: it ${command.coming}`, "warning");
  switch (name) {
    case "help":
      return ctx.openOverlay("help");
    case "model":
      return args ? session.setModel(args) : ctx.openOverlay("model");
    case "sessions":
      return ctx.openOverlay("sessions");
    case "resume":
      return args ? session.resume(args) : ctx.openOverlay("sessions");
    case "new":
      return session.newSession();
    case "view":
      if (args && !isView(args)) return session.info(`unknown view '${args}' (views: ${VIEWS.join(", ")})`, "warning");
      return ctx.setView(args ? (args as ViewId) : undefined);
    case "inspector":
      return ctx.setView("inspector");
    case "webview":
    case "classic":
      return ctx.setLayout(name);
    case "refresh":
      return session.reprint();
    case "theme":
      return args ? ctx.themes.choose(args) : ctx.openOverlay("themes");
    case "compact":
      return session.compact();
    case "cost":
      return session.info(costReport(session));
    case "agent":
      if (!args) return session.info(`agent: ${session.getSnapshot().agent} (available: ${session.agents().join(", ")}; Tab cycles)`);
      return session.setAgent(args);
    case "quit":
      return ctx.quit();
  }
}

function costReport(session: TuiSession): string {
  const { usage, model, session: info } = session.getSnapshot();
  const prices = model.info?.inputPrice !== undefined ? ` · ${model.ref} costs $${model.info.inputPrice} in / $${model.info.outputPrice} out per million tokens` : ` · no price known for ${model.ref}`;
  const percent = Math.round((usage.contextTokens / model.contextWindow) * 100);
  return `session ${info.id}: ${compactNumber(usage.inputTokens)} input + ${compactNumber(usage.outputTokens)} output tokens, ${dollars(usage.cost)}; context ${percent}% of ${compactNumber(model.contextWindow)}${prices}`;
}
