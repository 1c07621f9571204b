import type { Layout } from "../chat/entry-view.tsx";
import type { TuiSession } from "../session/tui-session.ts";
import type { ThemeStore } from "../theme/theme-store.ts";
import { isView, VIEWS, type ViewId } from "../views/view-ids.ts";
import { compactNumber, dollars } from "../components/format.ts";
import { SLASH_COMMANDS } from "./slash-commands.ts";
import { parseSlashRun } from "../../relay/slash-args.ts";
import { runOrchestration } from "./orchestrate.ts";

export type Overlay = "none" | "help" | "model" | "sessions" | "themes";

/** What slash commands may do to the UI around the session. */
export interface CommandContext {
  session: TuiSession;
  themes: ThemeStore;
  setLayout(layout: Layout): void;
  /** undefined cycles to the next view. */
  setView(view: ViewId | undefined): void;
  openOverlay(overlay: Overlay): void;
  /** Puts text on the clipboard of the terminal (OSC 52, which tmux and most terminals honour). */
  copy(text: string): void;
  quit(): void;
}

const INIT_PROMPT = `Explore this project (its layout, build and test commands, conventions, anything surprising) and write an AGENTS.md at its root for coding agents working on it: how to build, test and lint; where things live; the conventions to follow. Keep it short and specific to this project. If an AGENTS.md exists, improve it instead of starting over.`;

/** Runs `/name args`; an unknown command says so in the transcript. */
export async function runSlashCommand(name: string, args: string, ctx: CommandContext): Promise<void> {
  const { session } = ctx;
  const command = SLASH_COMMANDS.find((c) => c.name === name);
  if (!command) return session.info(`unknown command /${name} (type / to see them, ? for help)`, "warning");
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
      if (!args)
        return session.info(
          `agent: ${session.getSnapshot().agent} (available: ${session.agents().join(", ")}; Tab cycles)`,
        );
      return session.setAgent(args);
    case "swarm":
      ctx.setView("swarm");
      return args ? session.swarm(args) : undefined;
    case "ralph":
      return session.runRalph(args || "prd.json", () => ctx.setView("ralph"));
    case "undo": {
      const count = args ? Number(args) : 1;
      if (!Number.isInteger(count) || count < 1) return session.info("usage: /undo [number of turns]", "warning");
      return session.undo(count);
    }
    case "clear":
      return session.newSession();
    case "copy": {
      const answer = session.lastAnswer();
      if (!answer) return session.info("no answer to copy yet", "warning");
      ctx.copy(answer);
      return session.info(`copied the last answer (${answer.length} characters)`);
    }
    case "expand":
      return session.expandLast();
    case "init":
      return session.submit(INIT_PROMPT);
    case "quit":
    case "exit":
      return ctx.quit();
    case "go":
    case "autochat": {
      let slash;
      try {
        slash = parseSlashRun(`/${name} ${args}`);
      } catch (error) {
        return session.info((error as Error).message, "warning");
      }
      return slash && runOrchestration(session, slash);
    }
  }
}

function costReport(session: TuiSession): string {
  const { usage, model, session: info } = session.getSnapshot();
  const prices =
    model.info?.inputPrice !== undefined
      ? ` · ${model.ref} costs $${model.info.inputPrice} in / $${model.info.outputPrice} out per million tokens`
      : ` · no price known for ${model.ref}`;
  const percent = Math.round((usage.contextTokens / model.contextWindow) * 100);
  return `session ${info.id}: ${compactNumber(usage.inputTokens)} input + ${compactNumber(usage.outputTokens)} output tokens, ${dollars(usage.cost)}; context ${percent}% of ${compactNumber(model.contextWindow)}${prices}`;
}
