import { closeSync, fchmodSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { configDir } from "../../config/paths.ts";
import { UserError } from "../../contracts/errors.ts";
import { generateSigningKey } from "../../plugins/keys.ts";
import { printJson } from "../output.ts";

/** `codetether plugin keygen`: a new key pair; the private key only ever in a 0600 file. */
export function keygen(options: { out?: string; force?: boolean; json?: boolean }): void {
  const file = resolve(options.out ?? join(configDir(), "plugin-signing-key.pem"));
  const { privatePem, publicKey } = generateSigningKey();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 }); // not chmod: --out may name any directory
  let fd: number;
  try {
    // Created 0600 from the start ("wx" refuses an existing file unless --force).
    fd = openSync(file, options.force ? "w" : "wx", 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new UserError(`${file} already exists (use --force to overwrite it)`);
    throw new UserError(`cannot write ${file}: ${(error as Error).message}`);
  }
  try {
    fchmodSync(fd, 0o600); // an overwritten file (--force) keeps its old mode otherwise
    writeSync(fd, privatePem);
  } finally {
    closeSync(fd);
  }
  if (options.json) return printJson({ public_key: publicKey, key_file: file });
  process.stdout.write(`${publicKey}\n`);
  process.stderr.write(`private key written to ${file}; trust the key above in [plugins] trusted_keys\n`);
}
