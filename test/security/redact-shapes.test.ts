// Every key-shaped string is redacted in whatever text holds it (redactText first checks whether any
// shape can be present at all, so most strings skip the replacements).
import assert from "node:assert/strict";
import { test } from "node:test";
import { REDACTED, redactRecord, redactStrings, redactText } from "../../src/util/redact.ts";

const SHAPED = [
  ["Authorization: Bearer abc.DEF-123_x", `Authorization: Bearer ${REDACTED}`],
  ["use bearer Zk9xQ2wE7rT1 now", `use bearer ${REDACTED} now`],
  ["GET /x?user=a&ACCESS_TOKEN=s3cr3t&y=1", `GET /x?user=a&ACCESS_TOKEN=${REDACTED}&y=1`],
  [`key sk-proj-${"a1B2".repeat(5)} here`, `key ${REDACTED} here`],
  [`gh ghp_${"x9Y8z7W6".repeat(3)}`, `gh ${REDACTED}`],
  ["aws AKIAABCDEFGHIJKLMNOP", `aws ${REDACTED}`],
  ["jwt eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl", `jwt ${REDACTED}`],
];

test("each secret shape is redacted; ordinary text is returned as it is", () => {
  for (const [text, redacted] of SHAPED) assert.equal(redactText(text!), redacted, text);
  for (const plain of ["word1 word2 word3 ", "bearer authentication", "7f0c2a9e-1111-4444-8888-123456789abc", ""])
    assert.equal(redactText(plain), plain);
  assert.deepEqual(redactStrings({ parts: [{ text: SHAPED[3]![0] }], id: "t1" }), {
    parts: [{ text: SHAPED[3]![1] }],
    id: "t1",
  });
});

test("records are copied key by key: an own `__proto__` key stays data, secret-named keys are replaced", () => {
  const record = JSON.parse('{"__proto__": {"polluted": "sk-not-a-prototype"}, "api_key": "value123", "n": 1}');
  const redacted = redactRecord(record);
  assert.equal(Object.getPrototypeOf(redacted), Object.prototype);
  assert.deepEqual(Object.keys(redacted), ["__proto__", "api_key", "n"]);
  assert.deepEqual(Object.getOwnPropertyDescriptor(redacted, "__proto__")?.value, { polluted: "sk-not-a-prototype" });
  assert.equal(redacted.api_key, REDACTED);
  assert.equal(redacted.n, 1);
});
