import { z } from "zod";
import type { Config } from "../config/schema.ts";
import { UserError } from "../contracts/errors.ts";

/** A public key as config.toml and manifests write it: `ed25519:<base64 of the raw 32-byte key>`. */
export const publicKeySchema = z
  .string()
  .regex(/^ed25519:[A-Za-z0-9+/]{43}=$/, 'must be "ed25519:<base64 of a 32-byte public key>"');

/** `[plugins]`: the keys whose signatures are trusted; a plugin signed by any other key is refused. */
export const pluginsSectionSchema = z.object({ trusted_keys: z.array(publicKeySchema).default([]) }).strict();

/** The validated `[plugins] trusted_keys`; a mistake is a one-line error naming the key. */
export function trustedKeys(config: Config): string[] {
  const parsed = pluginsSectionSchema.safeParse(config.plugins ?? {});
  if (parsed.success) return parsed.data.trusted_keys;
  const issue = parsed.error.issues[0]!;
  throw new UserError(`invalid config [plugins]: '${["plugins", ...issue.path].join(".")}': ${issue.message}`);
}
