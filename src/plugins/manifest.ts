import { readFileSync } from "node:fs";
import { isAbsolute, join, normalize } from "node:path";
import { z } from "zod";
import { canonicalJson } from "../audit/audit-record.ts";
import { publicKeySchema } from "./config.ts";

export const CAPABILITIES = ["network", "write", "exec"] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const MANIFEST = "manifest.json";

/** A path inside the plugin folder: relative, no `..`, posix separators. */
const innerPath = z
  .string()
  .min(1)
  .refine((p) => !isAbsolute(p) && !normalize(p).startsWith("..") && !p.includes("\\"), "must stay inside the plugin");

/**
 * `manifest.json`. `files` maps every file of the folder but the manifest to its SHA-256 and
 * `content_hash` seals that list (see content.ts); both are filled by `plugin sign` and covered by the
 * signature, which is Ed25519 over the canonical JSON of everything but `signature`.
 */
export const manifestSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "must be lower-case letters, digits, '-' or '_'"),
    name: z.string().min(1),
    version: z.string().min(1),
    /** Run with node when it ends in .js/.mjs/.cjs, else executed itself. */
    entry: innerPath,
    capabilities: z.array(z.enum(CAPABILITIES)).default([]),
    timeout_secs: z.number().int().positive().max(3600).default(30),
    files: z.record(innerPath, z.string().regex(/^[0-9a-f]{64}$/)).optional(),
    content_hash: z.string().optional(),
    signed_by: publicKeySchema.optional(),
    signature: z.string().optional(),
  })
  .strict();

export type PluginManifest = z.infer<typeof manifestSchema>;

/** The manifest of `dir`, or a one-line reason it cannot be read. */
export function readManifest(dir: string): { manifest: PluginManifest } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: code === "ENOENT" ? `no ${MANIFEST}` : `${MANIFEST} unreadable: ${(error as Error).message}` };
  }
  const parsed = manifestSchema.safeParse(raw);
  if (parsed.success) return { manifest: parsed.data };
  const issue = parsed.error.issues[0]!;
  const what =
    issue.code === "unrecognized_keys" ? `unknown key ${issue.keys.map((k) => `'${k}'`).join(", ")}` : issue.message;
  return { error: `${MANIFEST}: ${issue.path.length ? `'${issue.path.join(".")}': ` : ""}${what}` };
}

/** The bytes signed: the canonical JSON (keys sorted at every level, no whitespace) without `signature`. */
export function signedBytes(manifest: PluginManifest): Buffer {
  const { signature: _signature, ...body } = manifest;
  return Buffer.from(canonicalJson(body), "utf8");
}
