import { z } from "zod";
import type { Tool } from "../contracts/tool.ts";

/** JSON-schema noise that costs request bytes and tells the model little (zod validates anyway). */
const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);
const DROPPED_KEYS = new Set(["minLength", "minItems", "maxItems", "propertyNames"]);

const converted = new WeakMap<z.ZodType, Record<string, unknown>>();

/**
 * The compact JSON schema of a tool's parameters as sent to the model: no `$schema`, no
 * `additionalProperties`, no length/count bounds or safe-integer bounds. Every tool's schema goes into
 * every request, so each byte counts. Converted once per schema: a server prepares every task's tools.
 */
export function compactInputSchema(tool: Tool): Record<string, unknown> {
  let compact = converted.get(tool.parameters);
  if (!compact) {
    const schema = z.toJSONSchema(tool.parameters, { target: "draft-7", io: "input" }) as Record<string, unknown>;
    delete schema.$schema;
    compact = strip(schema) as Record<string, unknown>;
    converted.set(tool.parameters, compact);
  }
  return compact;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (key === "additionalProperties" && (child === false || isEmptyObject(child))) continue;
    if ((key === "maximum" || key === "minimum") && SAFE_INTEGER_BOUNDS.has(child as number)) continue;
    out[key] = strip(child);
  }
  return out;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).length === 0;
}
