import type { z } from "zod";
import { didYouMean } from "../util/nearest.ts";

/** The dotted key a validation issue is about (for an unknown key, that key). */
export function issueKey(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") path.push(issue.keys[0]!);
  return path.join(".");
}

/** One line for a config validation issue: the key and what is wrong; an unknown key gets the nearest valid one. */
export function describeIssue(issue: z.core.$ZodIssue, schema: z.core.$ZodType): string {
  const path = issue.path.map(String);
  if (issue.code !== "unrecognized_keys") return `'${path.join(".")}': ${issue.message}`;
  const prefix = path.length ? `${path.join(".")}.` : "";
  const known = keysAt(schema, path);
  return `unknown key ${issue.keys.map((k) => `'${prefix}${k}'${didYouMean(k, known, prefix)}`).join(", ")}`;
}

type Node = z.core.$ZodType;
interface Def {
  type: string;
  innerType?: Node;
  in?: Node;
  shape?: Record<string, Node>;
  valueType?: Node;
  options?: Node[];
}

const defOf = (node: Node) => node._zod.def as unknown as Def;

/** The keys the table at `path` accepts (none for an open table such as `[providers]`). */
function keysAt(schema: Node, path: string[]): string[] {
  let node: Node | undefined = schema;
  for (const key of path) node = node && child(node, key);
  const shape = node && defOf(unwrap(node)).shape;
  return shape ? Object.keys(shape) : [];
}

/** The schema inside defaults, optionals and pipes. */
function unwrap(node: Node): Node {
  const def = defOf(node);
  const inner = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
  return inner ? unwrap(inner) : node;
}

function child(node: Node, key: string): Node | undefined {
  const def = defOf(unwrap(node));
  if (def.shape) return def.shape[key];
  if (def.valueType) return def.valueType;
  return def.options?.map((option) => child(option, key)).find(Boolean);
}
