/** The two parse functions of a zod 4 copy (`import * as z4 from "zod/v4"`): provider-utils passes its own. */
export interface Zod4Parsers<S> {
  safeParse(schema: S, value: unknown): unknown;
  safeParseAsync(schema: S, value: unknown): Promise<unknown>;
}

/**
 * provider-utils' check of a value against a zod 4 schema (every chunk a model streams, every response), put in
 * place of theirs by the build (scripts/build.mjs). Theirs always parses asynchronously, and zod runs its compiled
 * fast path for objects only in a synchronous parse: the same check cost it 2–5 times as much per chunk. A schema
 * with async refinements or transforms throws on a synchronous parse: it, like anything else that throws there, is
 * parsed as theirs does, so the result (or the error) is always theirs.
 */
export function safeParseZod4<S>(zod: Zod4Parsers<S>, schema: S, value: unknown): unknown {
  try {
    return zod.safeParse(schema, value);
  } catch {
    return zod.safeParseAsync(schema, value);
  }
}
