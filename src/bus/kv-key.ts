// JetStream KV keys allow only [-/_=.a-zA-Z0-9]; a result key is any topic tail, so escape the rest.
const KV_KEY_SAFE = /[-/_.a-zA-Z0-9]/;

/** Reversible: every other character becomes `=XX` per UTF-8 byte (`=` itself included). */
export function toKvKey(key: string): string {
  let out = "";
  for (const char of key) {
    if (KV_KEY_SAFE.test(char)) out += char;
    else for (const byte of Buffer.from(char)) out += `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
