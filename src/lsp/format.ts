import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic, Location, LocationLink, Range } from "./protocol.ts";

const SEVERITY = ["", "error", "warning", "info", "hint"];

/** A workspace-relative path for a file URI (absolute when outside the workspace). */
export function displayUri(uri: string, workspace: string): string {
  if (!uri.startsWith("file:")) return uri;
  const path = fileURLToPath(uri);
  const rel = relative(workspace, path);
  return rel.startsWith("..") ? path : rel;
}

/** `path:line:col` with 1-based numbers, as editors and the other tools print them. */
export function formatPosition(display: string, range: Range): string {
  return `${display}:${range.start.line + 1}:${range.start.character + 1}`;
}

export function formatDiagnostic(display: string, d: Diagnostic): string {
  const code = d.code !== undefined ? ` [${d.code}]` : "";
  return `${formatPosition(display, d.range)} ${SEVERITY[d.severity ?? 1] ?? "error"}${code}: ${d.message.split("\n")[0]}`;
}

/** Normalises the Location | Location[] | LocationLink[] answers of definition-like requests. */
export function toLocations(answer: Location | Location[] | LocationLink[] | null | undefined): Location[] {
  if (!answer) return [];
  const list = Array.isArray(answer) ? answer : [answer];
  return list.map((item) => ("targetUri" in item ? { uri: item.targetUri, range: item.targetSelectionRange } : item));
}
