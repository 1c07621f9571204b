import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { ImagePart, UserContent } from "ai";
import { UserError } from "../contracts/errors.ts";
import { imageMediaType } from "../tool/image-type.ts";

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_TEXT_BYTES = 200 * 1024;

/**
 * The prompt with files the user attached (`run -f`): images as image parts, anything else as text
 * after the prompt. A file that cannot be attached is the user's error, said in one line.
 */
export async function withAttachments(prompt: string, paths: string[], cwd: string): Promise<string | UserContent> {
  const texts: string[] = [];
  const images: Exclude<UserContent, string> = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info?.isFile()) throw new UserError(`cannot attach ${path}: not a file`);
    const data = await readFile(absolute);
    const image = imagePartOf(data, path);
    if (image) {
      images.push(image);
      continue;
    }
    const text = utf8Text(data);
    if (text === undefined)
      throw new UserError(`cannot attach ${path}: not UTF-8 text, nor a PNG, JPEG, GIF or WebP image`);
    const body = text.length > MAX_TEXT_BYTES ? `${text.slice(0, MAX_TEXT_BYTES)}\n[… truncated]` : text;
    texts.push(`<file path="${path}">\n${body}\n</file>`);
  }
  const text = [prompt, ...texts].join("\n\n");
  return images.length ? [{ type: "text", text }, ...images] : text;
}

/** The data as text when it is UTF-8 without NUL bytes (binary data is neither, almost always). */
function utf8Text(data: Buffer): string | undefined {
  if (data.includes(0)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    return undefined;
  }
}

/**
 * An image part for PNG, JPEG, GIF or WebP data (undefined for anything else); an image over the size
 * limit is the user's error, said in one line.
 */
export function imagePartOf(data: Buffer, name: string): ImagePart | undefined {
  const mediaType = imageMediaType(data);
  if (!mediaType) return undefined;
  if (data.length > MAX_IMAGE_BYTES)
    throw new UserError(`cannot attach ${name}: ${data.length} bytes (images up to ${MAX_IMAGE_BYTES})`);
  // Base64, not a Buffer: the part is stored with the session as JSON and must read back as it was sent.
  return { type: "image", image: data.toString("base64"), mediaType };
}
