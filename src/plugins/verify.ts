import { lstatSync } from "node:fs";
import { basename } from "node:path";
import { contentHash, describeChange, hashFiles } from "./content.ts";
import { verifyBytes } from "./keys.ts";
import { readManifest, signedBytes, type Capability, type PluginManifest } from "./manifest.ts";

/** What `plugin list`, `plugin verify` and `GET /v1/plugins` say of one plugin folder. */
export interface PluginStatus {
  id: string;
  name?: string;
  version?: string;
  status: "verified" | "refused";
  /** Why it is refused, in one line. */
  reason?: string;
  capabilities: Capability[];
  signed_by?: string;
  dir: string;
}

/** A plugin that passed every check: safe to start. */
export type VerifiedPlugin = PluginStatus & { status: "verified"; manifest: PluginManifest };

/**
 * Checks a plugin folder: a well-formed manifest, a signature, the signature valid for the manifest as
 * it is, every file as signed, and the signer among `trusted`. `installed` also requires the folder to
 * be named after the id (as under `<config dir>/plugins/`).
 */
export function verifyPlugin(
  dir: string,
  trusted: readonly string[],
  installed = false,
): VerifiedPlugin | (PluginStatus & { status: "refused" }) {
  const fallbackId = basename(dir);
  // Plugins are loaded from the folders themselves: a link could be pointed elsewhere after it is checked.
  if (isSymlink(dir)) return { id: fallbackId, status: "refused", reason: SYMLINKED, capabilities: [], dir };
  const read = readManifest(dir);
  if ("error" in read) return { id: fallbackId, status: "refused", reason: read.error, capabilities: [], dir };
  const manifest = read.manifest;
  const base = {
    id: manifest.id,
    name: manifest.name,
    version: manifest.version,
    capabilities: manifest.capabilities,
    signed_by: manifest.signed_by,
    dir,
  };
  const reason = refusal(dir, manifest, trusted, installed ? fallbackId : undefined);
  return reason ? { ...base, status: "refused", reason } : { ...base, status: "verified", manifest };
}

const SYMLINKED = "the plugin folder is a symlink: copy the folder in instead";

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false; // missing: the manifest read says so
  }
}

function refusal(
  dir: string,
  manifest: PluginManifest,
  trusted: readonly string[],
  folderName: string | undefined,
): string | undefined {
  if (folderName !== undefined && folderName !== manifest.id)
    return `folder '${folderName}' does not match the manifest id '${manifest.id}'`;
  const { signed_by, signature, files, content_hash } = manifest;
  if (!signed_by || !signature || !files || !content_hash) return "unsigned (see: codetether plugin sign)";
  if (!verifyBytes(signed_by, signedBytes(manifest), signature))
    return "signature invalid: the manifest was changed after signing, or signed with another key";
  if (contentHash(files) !== content_hash) return "content_hash does not match the signed file list";
  let actual: Record<string, string>;
  try {
    actual = hashFiles(dir);
  } catch (error) {
    return (error as Error).message;
  }
  const change = describeChange(files, actual);
  if (change) return `tampered: ${change}`;
  if (!Object.hasOwn(files, manifest.entry)) return `entry '${manifest.entry}' is not a file of the plugin`;
  if (!trusted.includes(signed_by)) return `signed by an untrusted key ${signed_by} (add it to [plugins] trusted_keys)`;
  return undefined;
}

/** A status as `plugin list --json`, `plugin verify --json` and `GET /v1/plugins` show it: no folder, no manifest. */
export function publicStatus(plugin: PluginStatus): Omit<PluginStatus, "dir"> {
  const { id, name, version, status, reason, capabilities, signed_by } = plugin;
  return { id, name, version, status, ...(reason ? { reason } : {}), capabilities, signed_by };
}
