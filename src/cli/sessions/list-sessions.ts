import { dataDir } from "../../config/paths.ts";
import { SessionStore } from "../../session/store.ts";
import { age, painter, printJson } from "../output.ts";

/** This directory's sessions started by a person; `--all`: every directory's, sub-agent sessions included. */
export function listSessions(options: { all?: boolean; limit: string; json?: boolean }): void {
  const store = SessionStore.open(dataDir());
  const sessions = store.list({
    directory: options.all ? undefined : process.cwd(),
    topLevel: !options.all,
    limit: Number(options.limit) || 20,
  });
  if (options.json) return printJson(sessions);
  if (sessions.length === 0) {
    process.stdout.write(`no sessions${options.all ? "" : " in this directory (try --all)"}\n`);
    return;
  }
  const paint = painter(process.stdout);
  for (const s of sessions) {
    const where = options.all ? `  ${paint("dim", s.directory)}` : "";
    const child = s.parentId ? paint("dim", ` (sub-agent of ${s.parentId})`) : "";
    process.stdout.write(
      `${paint("cyan", s.id)}  ${age(s.updatedAt).padEnd(8)} ${String(s.messageCount).padStart(4)} msgs  ${s.title || "(untitled)"}${child}${where}\n`,
    );
  }
}
