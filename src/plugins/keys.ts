import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";

const PREFIX = "ed25519:";

/** A new signing key pair: the private key as PKCS#8 PEM, the public key as `ed25519:<base64>`. */
export function generateSigningKey(): { privatePem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: formatPublicKey(publicKey),
  };
}

/** `ed25519:<base64 of the raw 32 bytes>` (the JWK's `x`, which is those bytes in base64url). */
export function formatPublicKey(key: KeyObject): string {
  const { x } = key.export({ format: "jwk" });
  return PREFIX + Buffer.from(x!, "base64url").toString("base64");
}

/** The private key of a PEM file's text; a one-line error when it is not an Ed25519 private key. */
export function parsePrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error("not a private key in PEM format");
  }
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`not an Ed25519 key (${key.asymmetricKeyType})`);
  return key;
}

export function publicKeyOf(privateKey: KeyObject): string {
  return formatPublicKey(createPublicKey(privateKey));
}

export function signBytes(privateKey: KeyObject, data: Buffer): string {
  return sign(null, data, privateKey).toString("base64");
}

/** Whether `signature` (base64) is `publicKey`'s Ed25519 signature of `data`. */
export function verifyBytes(publicKey: string, data: Buffer, signature: string): boolean {
  const x = Buffer.from(publicKey.slice(PREFIX.length), "base64").toString("base64url");
  try {
    const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
    return verify(null, data, key, Buffer.from(signature, "base64"));
  } catch {
    return false; // not a key or not a signature: nothing it could vouch for
  }
}
