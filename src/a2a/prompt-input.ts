import type { Message } from "@a2a-js/sdk";
import { ContentTypeNotSupportedError } from "@a2a-js/sdk/errors";
import type { UserContent } from "ai";

/** The images the model is given as images; any other inline file must be text. */
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];
/** Text by its media type: text/*, JSON, XML, YAML, scripts (`application/javascript`, `+json`, …). */
const TEXT_TYPE =
  /^(text\/|application\/([\w.+-]*\+)?(json|xml|yaml|x-yaml|javascript|typescript|x-sh|x-python|toml|sql)$)/i;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Refuses an inline file the agent cannot read (spec §3.1.1 ContentTypeNotSupportedError): neither one of
 * IMAGE_TYPES nor text, by its media type or, without one, by being valid UTF-8. Its bytes would otherwise
 * reach the model as mojibake. File URLs are passed on as references and data parts as JSON, whatever their type.
 */
export function refuseUnsupportedParts(message: Message | undefined): void {
  for (const part of message?.parts ?? []) {
    if (part.content?.$case !== "raw") continue;
    const type = part.mediaType.split(";")[0]!.trim().toLowerCase();
    if (IMAGE_TYPES.includes(type)) continue;
    if ((type === "" || TEXT_TYPE.test(type)) && isUtf8(part.content.value)) continue;
    throw new ContentTypeNotSupportedError(
      `file ${part.filename || "(unnamed)"} of type '${type || "unknown"}' is not supported: send text (UTF-8) or an image (${IMAGE_TYPES.join(", ")})`,
    );
  }
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * What the model receives for an A2A message: text parts as text, data parts as JSON, file URLs as
 * references, inline images as images and inline text files as text.
 */
export function promptOf(message: Message): string | UserContent {
  const content: Exclude<UserContent, string> = [];
  for (const part of message.parts) {
    const c = part.content;
    if (!c) continue;
    if (c.$case === "text") content.push({ type: "text", text: c.value });
    else if (c.$case === "data")
      content.push({ type: "text", text: `\`\`\`json\n${JSON.stringify(c.value, null, 2)}\n\`\`\`` });
    else if (c.$case === "url")
      content.push({ type: "text", text: `Attached file${part.filename ? ` ${part.filename}` : ""}: ${c.value}` });
    else if (IMAGE_TYPES.includes(part.mediaType.split(";")[0]!.trim().toLowerCase()))
      content.push({ type: "image", image: c.value, mediaType: part.mediaType });
    else
      content.push({
        type: "text",
        text: `File ${part.filename || "(unnamed)"}:\n${Buffer.from(c.value).toString("utf8")}`,
      });
  }
  const onlyText = content.every((p) => p.type === "text");
  return onlyText ? content.map((p) => (p.type === "text" ? p.text : "")).join("\n\n") : content;
}
