import { readFileSync, realpathSync, statSync } from "node:fs";
import { patch } from "@decimalturn/toml-patch";
import { parse } from "smol-toml";
import type { z } from "zod";
import { UserError } from "../contracts/errors.ts";
import { writeFileAtomic } from "../util/atomic-write.ts";
import { describeIssue, issueKey } from "./describe-issue.ts";
import { configSchema, type Config } from "./schema.ts";

/**
 * Applies `a.b=value` assignments to the config file: a value is read as a TOML value when it parses
 * as one (numbers, booleans, arrays, quoted strings), else as a bare string. The whole result is
 * validated against `schema` before one atomic write, so a refused assignment changes nothing. The file is
 * patched, not rewritten: its comments, order and formatting stay. Returns the keys and values set.
 */
export function setConfigValues(
  path: string,
  assignments: string[],
  schema: z.ZodType = configSchema,
  /** Checks beyond the schema, of the config as it would be; throws a UserError to refuse. */
  check?: (config: Config, keys: string[]) => void,
): Array<{ key: string; value: unknown }> {
  const text = readText(path);
  const doc = parseDocument(path, text);
  const set = assignments.map((assignment) => assign(doc, assignment));
  const result = schema.safeParse(doc);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const problem = describeIssue(issue, schema);
    // A problem with what was just set is told as it is; one elsewhere in the file names the file.
    const key = issueKey(issue);
    const ofAssignment = set.some(({ key: k }) => k === key || k.startsWith(`${key}.`) || key.startsWith(`${k}.`));
    throw new UserError(ofAssignment ? problem : `invalid config ${path}: ${problem}`);
  }
  check?.(
    result.data as Config,
    set.map(({ key }) => key),
  );
  // Through a symlink (a dotfiles repo) to the real file, keeping its permissions (0600 with tokens in it).
  const target = existingRealPath(path);
  const patched = patch(text, doc);
  writeFileAtomic(target, patched.endsWith("\n") ? patched : `${patched}\n`, modeOf(target));
  return set;
}

/** Sets one `a.b=value` in the document. */
function assign(doc: Record<string, unknown>, assignment: string): { key: string; value: unknown } {
  const eq = assignment.indexOf("=");
  if (eq <= 0) throw new UserError(`expected key=value, got '${assignment}'`);
  const key = assignment.slice(0, eq).trim();
  const keys = key.split(".");
  if (keys.some((k) => !k)) throw new UserError(`invalid key '${key}'`);
  let node = doc;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (next === undefined) node[k] = {};
    else if (typeof next !== "object" || Array.isArray(next)) throw new UserError(`'${k}' in '${key}' is not a table`);
    node = node[k] as Record<string, unknown>;
  }
  const value = parseValue(assignment.slice(eq + 1).trim());
  node[keys.at(-1)!] = value;
  return { key, value };
}

function existingRealPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The file's permission bits; a new config file is private (it may come to hold tokens). */
function modeOf(path: string): number {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return 0o600;
  }
}

/** The file's text; empty when there is no file yet. */
function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new UserError(`cannot read config ${path}`);
    return "";
  }
}

function parseDocument(path: string, text: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new UserError(`invalid TOML in ${path}: ${(error as Error).message.split("\n")[0]}`);
  }
}

function parseValue(text: string): unknown {
  try {
    return parse(`v = ${text}`).v;
  } catch {
    return text;
  }
}
