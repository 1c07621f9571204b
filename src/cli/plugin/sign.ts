import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { UserError } from "../../contracts/errors.ts";
import { writeFileAtomic } from "../../util/atomic-write.ts";
import { contentHash, hashFiles } from "../../plugins/content.ts";
import { parsePrivateKey, publicKeyOf, signBytes } from "../../plugins/keys.ts";
import { MANIFEST, readManifest, signedBytes } from "../../plugins/manifest.ts";

/** `codetether plugin sign DIR --key FILE`: the manifest's file list, content hash, signer and signature. */
export function signPluginDir(dir: string, keyFile: string): void {
  const root = resolve(dir);
  const read = readManifest(root);
  if ("error" in read) throw new UserError(`${root}: ${read.error}`);
  let key;
  try {
    key = parsePrivateKey(readFileSync(keyFile, "utf8"));
  } catch (error) {
    throw new UserError(`${keyFile}: ${(error as Error).message}`);
  }
  let files: Record<string, string>;
  try {
    files = hashFiles(root);
  } catch (error) {
    throw new UserError(`${root}: ${(error as Error).message}`);
  }
  const keyInside = relative(root, resolve(keyFile));
  if (Object.hasOwn(files, keyInside))
    throw new UserError(`${keyFile} is inside the plugin: the private key would ship with it; keep it elsewhere`);
  const { signature: _old, ...manifest } = read.manifest;
  if (!Object.hasOwn(files, manifest.entry))
    throw new UserError(`${root}: entry '${manifest.entry}' is not a file of the plugin`);
  const unsigned = { ...manifest, files, content_hash: contentHash(files), signed_by: publicKeyOf(key) };
  const signed = { ...unsigned, signature: signBytes(key, signedBytes(unsigned)) };
  writeFileAtomic(join(root, MANIFEST), `${JSON.stringify(signed, null, 2)}\n`);
  process.stdout.write(
    `signed ${signed.id} ${signed.version} (${Object.keys(files).length} files) by ${signed.signed_by}\n`,
  );
}
