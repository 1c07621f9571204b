/** Image types recognised by their first bytes (the extension may lie). */
const SIGNATURES: Array<{ mediaType: string; test: (b: Buffer) => boolean }> = [
  {
    mediaType: "image/png",
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { mediaType: "image/jpeg", test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    mediaType: "image/gif",
    test: (b) => b.subarray(0, 6).toString("latin1") === "GIF87a" || b.subarray(0, 6).toString("latin1") === "GIF89a",
  },
  {
    mediaType: "image/webp",
    test: (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
  },
];

/** The media type of PNG, JPEG, GIF or WebP data; undefined for anything else. */
export function imageMediaType(data: Buffer): string | undefined {
  return SIGNATURES.find((s) => s.test(data))?.mediaType;
}
