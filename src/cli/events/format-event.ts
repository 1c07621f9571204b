import type { MergedEntry } from "../../events/merged-query.ts";
import type { StreamEvent } from "../../events/stream.ts";
import type { Style } from "../output.ts";

const SUMMARY_WIDTH = 100;

/** One line per event: time, session, type, and a short summary of its data. */
export function formatEvent(entry: MergedEntry<StreamEvent>, paint: (style: Style, text: string) => string): string {
  const { record } = entry;
  const time = record.ts.slice(11, 23);
  const summary = oneLine(JSON.stringify(record.data) ?? "");
  return `${paint("dim", time)}  ${paint("cyan", record.session_id ?? "-")}  ${record.type.padEnd(14)} ${summary}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > SUMMARY_WIDTH ? `${flat.slice(0, SUMMARY_WIDTH - 1)}…` : flat;
}
