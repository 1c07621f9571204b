import { writeFileSync } from "node:fs";
import { dataDir } from "../../config/paths.ts";
import { UserError } from "../../contracts/errors.ts";
import { SessionStore, type SessionInfo } from "../../session/store.ts";
import { sessionMarkdown } from "../../session/transcript-markdown.ts";
import { printJson } from "../output.ts";

function findSession(id: string): { store: SessionStore; session: SessionInfo } {
  const store = SessionStore.open(dataDir());
  const session = store.get(id);
  if (!session) throw new UserError(`session not found: ${id} (see: codetether sessions list)`);
  return { store, session };
}

/** `sessions show ID`: the session as Markdown (its details and conversation), or its details as JSON. */
export function showSession(id: string, options: { json?: boolean }): void {
  const { store, session } = findSession(id);
  if (options.json) return printJson(session);
  process.stdout.write(sessionMarkdown(session, store.messages(id)));
}

/** `sessions delete ID`: the session, its messages and its sub-agent sessions. */
export function deleteSession(id: string, options: { json?: boolean }): void {
  const { store } = findSession(id);
  const deleted = store.delete(id);
  if (options.json) return printJson({ deleted });
  const children = deleted.length - 1;
  process.stderr.write(
    `deleted ${id}${children ? ` and ${children} sub-agent session${children > 1 ? "s" : ""}` : ""}\n`,
  );
}

/** `sessions export ID`: Markdown for people, or JSON (details and stored messages) for tools; stdout or a file. */
export function exportSession(id: string, options: { format: string; output?: string }): void {
  if (options.format !== "md" && options.format !== "json")
    throw new UserError(`unknown --format '${options.format}' (use md or json)`);
  const { store, session } = findSession(id);
  const messages = store.messages(id);
  const text =
    options.format === "json"
      ? `${JSON.stringify({ session, messages }, null, 2)}\n`
      : sessionMarkdown(session, messages);
  if (!options.output) return void process.stdout.write(text);
  writeFileSync(options.output, text);
  process.stderr.write(`exported ${id} to ${options.output}\n`);
}
