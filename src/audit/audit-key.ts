import { createHash, createHmac, createPrivateKey, createPublicKey, hkdfSync, sign, verify } from "node:crypto";

/**
 * The secret the audit trail is sealed with. One secret is kept (in Vault, the environment or a key
 * file); the HMAC key of the record chain and the Ed25519 seed of the signed heads are both derived
 * from it with HKDF, so there is a single thing to store, rotate and protect.
 */
export interface AuditKey {
  /** Public fingerprint (16 hex of the SHA-256 of the Ed25519 public key), stamped on every keyed record and head. */
  id: string;
  /** Where the key came from, for messages: `vault:secret/codetether/audit`, `env:CODETETHER_AUDIT_KEY`, a file path. */
  source: string;
  /** `ed25519:<base64>` of the raw public key, printed so heads can be checked by whoever holds it. */
  publicKey: string;
  /** HMAC-SHA256 (hex) of a record's canonical bytes. */
  mac(data: string): string;
  /** Ed25519 signature (base64) of `data`. */
  sign(data: string): string;
  verify(data: string, signature: string): boolean;
}

/** The smallest secret accepted from Vault or the environment: shorter ones are guessable. */
export const MIN_SECRET_LENGTH = 16;

// PKCS#8 DER of an Ed25519 private key is this prefix followed by the 32-byte seed (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SALT = "codetether audit";

export function auditKeyFrom(secret: string, source: string): AuditKey {
  const derive = (info: string) => Buffer.from(hkdfSync("sha256", secret, SALT, info, 32));
  const macKey = derive("record chain hmac-sha256");
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, derive("head signature ed25519")]),
    format: "der",
    type: "pkcs8",
  });
  const publicKey = createPublicKey(privateKey);
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  return {
    id: createHash("sha256").update(raw).digest("hex").slice(0, 16),
    source,
    publicKey: `ed25519:${raw.toString("base64")}`,
    mac: (data) => createHmac("sha256", macKey).update(data).digest("hex"),
    sign: (data) => sign(null, Buffer.from(data), privateKey).toString("base64"),
    verify: (data, signature) => {
      try {
        return verify(null, Buffer.from(data), publicKey, Buffer.from(signature, "base64"));
      } catch {
        return false;
      }
    },
  };
}
